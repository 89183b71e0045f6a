// The live status feed: when tour.json names one, the player fetches it every
// `interval` seconds (at least 5) and applies it through `readFeed`. When a
// fetch fails or the document is invalid, the overrides are dropped, so the
// schedule alone decides until a valid document arrives, as the desktop
// viewer (toolkit/viewer/feed.py) does.

import { webUrl } from './dom.js';
import { MAX_FEED_BYTES, MIN_FEED_INTERVAL_S, readFeed } from './sessions.js';

/** Return the response's text, or null when it is longer than MAX_FEED_BYTES. */
async function readCapped(response) {
  if (!response.body) return response.text();
  const reader = response.body.getReader();
  const chunks = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > MAX_FEED_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

export class StatusFeed {
  /** Poll `feed` ({url, interval}) for `sessions` (a Map), calling `onChange` when statuses may change. */
  constructor(feed, sessions, onChange) {
    this.url = webUrl(feed?.url);
    this.seconds = Math.max(Number(feed?.interval) || 0, MIN_FEED_INTERVAL_S);
    this.sessions = sessions;
    this.onChange = onChange;
    this.overrides = new Map();
    this.timer = null;
    this.failing = false; // true from a failed or invalid read until a valid one
  }

  start() {
    if (this.url === null) {
      console.warn('status feed: not polled, because its URL is not http or https');
      return;
    }
    this.poll();
    this.timer = setInterval(() => this.poll(), this.seconds * 1000);
  }

  /** Fetch the feed once and apply it. A failure drops the overrides. */
  async poll() {
    let text;
    try {
      // A feed that hangs counts as failed once the next poll is due.
      const response = await fetch(this.url, {
        cache: 'no-store',
        credentials: 'omit',
        signal: AbortSignal.timeout(this.seconds * 1000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      text = await readCapped(response);
    } catch (error) {
      this.fail(`failed: ${error.message}`);
      return;
    }
    if (text === null) {
      this.fail(`invalid document: longer than ${MAX_FEED_BYTES} bytes`);
      return;
    }
    // readFeed's warnings are held back until the document proves valid, so an
    // invalid one counts as one more failure of the streak.
    const warnings = [];
    const overrides = readFeed(this.sessions, text, (message) => warnings.push(message));
    if (overrides === null) {
      this.fail(warnings.join('; ').replace(/^status feed: /, '') || 'invalid document');
      return;
    }
    for (const message of warnings) console.warn(message);
    if (this.failing) console.info(`status feed ${this.url}: valid again`);
    this.failing = false;
    this.overrides = overrides;
    this.onChange();
  }

  /** Drop the overrides, and warn only on the first failure of a streak. */
  fail(reason) {
    if (!this.failing) {
      console.warn(`status feed ${this.url} ${reason}. Statuses follow the schedule `
        + 'until the feed is valid again');
    }
    this.failing = true;
    if (this.overrides.size) {
      this.overrides = new Map();
      this.onChange();
    }
  }
}
