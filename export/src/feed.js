// The live status feed: when tour.json names one, the player fetches it every
// `interval` seconds (at least 5) and applies it through `readFeed`. When a
// fetch fails, the last valid overrides stay; an invalid document clears them.

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
  /** Poll `feed` ({url, interval}) for `sessions` (a Map); call `onChange` after each read. */
  constructor(feed, sessions, onChange) {
    this.url = webUrl(feed?.url);
    this.seconds = Math.max(Number(feed?.interval) || 0, MIN_FEED_INTERVAL_S);
    this.sessions = sessions;
    this.onChange = onChange;
    this.overrides = new Map();
    this.timer = null;
    this.lastFailure = null; // a failure is logged once until the feed recovers
  }

  start() {
    if (this.url === null) {
      console.warn('status feed: not polled, because its URL is not http or https');
      return;
    }
    this.poll();
    this.timer = setInterval(() => this.poll(), this.seconds * 1000);
  }

  async poll() {
    let text;
    try {
      const response = await fetch(this.url, { cache: 'no-store', credentials: 'omit' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      text = await readCapped(response);
    } catch (error) {
      if (error.message !== this.lastFailure) {
        console.warn(`status feed ${this.url} failed: ${error.message}; keeping the last statuses`);
      }
      this.lastFailure = error.message;
      return;
    }
    this.lastFailure = null;
    if (text === null) {
      console.warn(`status feed: invalid document: longer than ${MAX_FEED_BYTES} bytes`);
    }
    this.overrides = (text === null ? null : readFeed(this.sessions, text)) ?? new Map();
    this.onChange();
  }
}
