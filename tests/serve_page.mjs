// Watch a `venue serve` page in Debian's Chromium while the test edits files.
//
// Usage: node tests/serve_page.mjs PLAYWRIGHT_CORE CHROMIUM URL
// The script prints one JSON line per event and reads one command per line on
// stdin. "mark" sets a flag in the page and prints {"event": "marked"}.
// "await-reload" waits until the flag is gone because the page reloaded.
// "await-overlay" waits for the problem overlay and prints its text.
// "await-clear" waits for the overlay to go, and "quit" closes the browser.
// Requests to other hosts are aborted.

import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const [playwrightCore, chromiumPath, url] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { chromium } = require(playwrightCore);
const TIMEOUT_MS = 30000;

const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: [
    '--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ],
});
const context = await browser.newContext({ viewport: { width: 960, height: 540 } });
await context.route('**/*', (route) => {
  if (new URL(route.request().url()).hostname === '127.0.0.1') return route.continue();
  return route.abort('blockedbyclient');
});
const page = await context.newPage();
const pageErrors = [];
page.on('pageerror', (error) => pageErrors.push(String(error)));
await page.goto(url);
say({ event: 'loaded' });

const commands = {
  async mark() {
    await page.evaluate(() => { window.__venueServeMark = true; });
    return { event: 'marked' };
  },
  async 'await-reload'() {
    await page.waitForFunction(() => window.__venueServeMark !== true, null,
      { timeout: TIMEOUT_MS });
    await page.waitForLoadState('load');
    return { event: 'reloaded' };
  },
  async 'await-overlay'() {
    const overlay = await page.waitForSelector('#venue-live-overlay', { timeout: TIMEOUT_MS });
    return { event: 'overlay', text: await overlay.textContent() };
  },
  async 'await-clear'() {
    await page.waitForSelector('#venue-live-overlay', { state: 'detached', timeout: TIMEOUT_MS });
    return { event: 'cleared' };
  },
};

for await (const line of createInterface({ input: process.stdin })) {
  const command = line.trim();
  if (command === 'quit') break;
  try {
    say(await commands[command]());
  } catch (error) {
    say({ event: 'error', command, error: String(error) });
  }
}
say({ event: 'done', pageErrors });
await browser.close();
process.exit(0);
