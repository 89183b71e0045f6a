// Session status as a pure function of the clock, as docs/bundle.md defines it:
// upcoming before start, live from start until before end, then replay when
// the session has a replay URL, else ended. A venue's status feed may
// override that; `readFeed` follows the rules of toolkit/sessions.py's
// `apply_feed`, which docs/bundle.md describes.

import { webUrl } from './dom.js';

export const STATUS_KINDS = ['upcoming', 'live', 'replay', 'ended'];
export const MAX_FEED_BYTES = 1000000;
export const MIN_FEED_INTERVAL_S = 5;

/**
 * Return 'upcoming', 'live', 'replay' or 'ended' for `session` at `nowMs`;
 * a feed `override` ({status, stream, replay}) replaces the clock's verdict.
 */
export function sessionStatus(session, nowMs, override = null) {
  if (override) return override.status;
  const start = Date.parse(session.start);
  const end = Date.parse(session.end);
  if (nowMs < start) return 'upcoming';
  if (nowMs < end) return 'live';
  return session.replay ? 'replay' : 'ended';
}

/** Return the URL a visitor can watch: the stream when live, the replay after. */
export function sessionLink(session, status, override = null) {
  if (status === 'live') return override?.stream || session.stream || null;
  if (status === 'replay') return override?.replay || session.replay || null;
  return null;
}

/**
 * Return what a screen on a channel shows: {kind, session}. `sessions` are
 * the channel's sessions and `statusOf(session)` their status now. The
 * order of precedence: the live session (the latest to start, if several),
 * else the next upcoming one (the earliest to start), else the last replay
 * (the latest to end), else kind 'none' with a null session.
 */
export function channelProgramme(sessions, statusOf) {
  const byStatus = { live: [], upcoming: [], replay: [] };
  for (const session of sessions) byStatus[statusOf(session)]?.push(session);
  const start = (session) => Date.parse(session.start);
  const end = (session) => Date.parse(session.end);
  // reduce keeps the first of equals, so ties go to the order in tour.json.
  const pick = (list, better) => list.reduce((best, item) => (better(item, best) ? item : best));
  if (byStatus.live.length) {
    return { kind: 'live', session: pick(byStatus.live, (a, b) => start(a) > start(b)) };
  }
  if (byStatus.upcoming.length) {
    return { kind: 'upcoming', session: pick(byStatus.upcoming, (a, b) => start(a) < start(b)) };
  }
  if (byStatus.replay.length) {
    return { kind: 'replay', session: pick(byStatus.replay, (a, b) => end(a) > end(b)) };
  }
  return { kind: 'none', session: null };
}

/** Return milliseconds until the session starts at `nowMs` (0 once started). */
export function timeToStart(session, nowMs) {
  return Math.max(0, Date.parse(session.start) - nowMs);
}

/** Return the override of one feed entry, or a string saying why it is invalid. */
function feedEntry(entry) {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    return 'expected an object';
  }
  if (!STATUS_KINDS.includes(entry.status)) {
    return `status ${JSON.stringify(entry.status)} is not one of ${STATUS_KINDS.join(', ')}`;
  }
  const override = { status: entry.status, stream: null, replay: null };
  for (const key of ['stream', 'replay']) {
    const value = entry[key];
    if (value === undefined || value === null) continue;
    if (webUrl(value) === null) return `invalid ${key} URL ${JSON.stringify(value)}`;
    override[key] = value;
  }
  return override;
}

/**
 * Read a status feed document (its text) into a Map of overrides by session
 * id, or return null when the document is invalid: longer than
 * MAX_FEED_BYTES, not JSON, or not an object. Entries for unknown ids are
 * ignored, and an invalid entry is rejected alone. Each problem goes to
 * `warn`, a console warning by default.
 */
export function readFeed(sessions, text, warn = (message) => warn(message)) {
  if (new TextEncoder().encode(text).length > MAX_FEED_BYTES) {
    warn(`status feed: invalid document: longer than ${MAX_FEED_BYTES} bytes`);
    return null;
  }
  let document;
  try {
    document = JSON.parse(text);
  } catch (error) {
    warn(`status feed: invalid JSON: ${error.message}`);
    return null;
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    warn('status feed: invalid document: expected a JSON object mapping '
      + 'session ids to entries');
    return null;
  }
  const overrides = new Map();
  const rejected = [];
  for (const [id, entry] of Object.entries(document)) {
    const session = sessions.get(id);
    if (!session) continue;
    let override = feedEntry(entry);
    if (typeof override === 'string') {
      rejected.push(`'${id}' (${override})`);
      continue;
    }
    if (override.status === 'replay' && !(override.replay || session.replay)) {
      override = { ...override, status: 'ended', replay: null };
    }
    overrides.set(id, override);
  }
  if (rejected.length) {
    const more = rejected.length > 3 ? ` and ${rejected.length - 3} more` : '';
    warn(`status feed: rejected ${rejected.length} entries: `
      + `${rejected.slice(0, 3).join('; ')}${more}`);
  }
  return overrides;
}
