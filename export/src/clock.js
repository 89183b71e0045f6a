// Time: parsing ISO 8601 in a venue's timezone, the player's clock, and the
// formats that the desktop viewer also uses (2020-06-22 09:30–10:30 UTC+08:00).

const ISO_TIME = new RegExp(
  '^(\\d{4})-(\\d{2})-(\\d{2})'
  + '(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?'
  + '(Z|[+-]\\d{2}:?\\d{2})?$', 'i');

const formatters = new Map();

function partsFormatter(timeZone) {
  if (!formatters.has(timeZone)) {
    formatters.set(timeZone, new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }));
  }
  return formatters.get(timeZone);
}

/** Return `timeZone` when Intl supports it, else 'UTC' (with a console warning). */
export function checkTimeZone(timeZone) {
  try {
    partsFormatter(timeZone);
    return timeZone;
  } catch (error) {
    console.warn(`unknown timezone ${timeZone}; showing times in UTC`);
    return 'UTC';
  }
}

/** Return the wall-clock fields of the instant `ms` in `timeZone`. */
function localFields(ms, timeZone) {
  const fields = {};
  for (const part of partsFormatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return fields;
}

/** Return the offset of `timeZone` from UTC at the instant `ms`, in milliseconds. */
export function zoneOffset(ms, timeZone) {
  const f = localFields(ms, timeZone);
  const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * Parse an ISO 8601 time such as `2020-06-23T14:05+08:00` to epoch milliseconds.
 * A time without an offset is local to `timeZone`. Returns NaN when invalid.
 */
export function parseTime(text, timeZone = 'UTC') {
  // URLSearchParams decodes `+` as a space, so `?at=…14:05+08:00` arrives as
  // `…14:05 08:00`; put the plus sign back.
  const repaired = String(text).trim().replace(
    /^(\d{4}-\d{2}-\d{2}T[\d:.]+) (\d{2}:?\d{2})$/i, '$1+$2');
  const match = ISO_TIME.exec(repaired);
  if (!match) return NaN;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '0',
    offset] = match;
  const millis = Math.round(Number(`0.${fraction}`) * 1000);
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour),
    Number(minute), Number(second), millis);
  const check = new Date(wall);
  if (check.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59) {
    return NaN;
  }
  if (offset === undefined) {
    // Two passes find the offset in force at that local time, also near a
    // daylight-saving change.
    let guess = wall - zoneOffset(wall, timeZone);
    guess = wall - zoneOffset(guess, timeZone);
    return guess;
  }
  if (offset.toUpperCase() === 'Z') return wall;
  const sign = offset[0] === '-' ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return wall - sign * minutes * 60000;
}

/** A clock that shows now, or runs on from a preview time given in the URL. */
export class Clock {
  constructor(startMs = null) {
    this.startMs = startMs;
    this.startedAt = performance.now();
  }

  /** True when the clock previews another time than now. */
  get isPreview() {
    return this.startMs !== null;
  }

  /** Return the clock's time in epoch milliseconds. */
  now() {
    if (this.startMs === null) return Date.now();
    return this.startMs + (performance.now() - this.startedAt);
  }
}

const pad = (value) => String(value).padStart(2, '0');

function utcOffsetText(ms, timeZone) {
  const minutes = Math.round(zoneOffset(ms, timeZone) / 60000);
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `UTC${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

function dateText(f) {
  return `${f.year}-${pad(f.month)}-${pad(f.day)}`;
}

/** Format an instant as `2020-06-22 09:45 UTC+08:00` in `timeZone`. */
export function formatClock(ms, timeZone) {
  const f = localFields(ms, timeZone);
  return `${dateText(f)} ${pad(f.hour)}:${pad(f.minute)} ${utcOffsetText(ms, timeZone)}`;
}

/** Format a session's start and end as `2020-06-22 09:30–10:30 UTC+08:00`. */
export function formatSessionTime(startMs, endMs, timeZone) {
  const start = localFields(startMs, timeZone);
  const end = localFields(endMs, timeZone);
  const endTime = `${pad(end.hour)}:${pad(end.minute)}`;
  const endText = dateText(start) === dateText(end) ? endTime : `${dateText(end)} ${endTime}`;
  return `${dateText(start)} ${pad(start.hour)}:${pad(start.minute)}–${endText} `
    + utcOffsetText(startMs, timeZone);
}

/**
 * Format a duration for a countdown: `hh:mm:ss` under a day, else days and
 * hours through `daysHours(days, hours)`.
 */
export function formatCountdown(ms, daysHours) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  if (days > 0) return daysHours(days, hours);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds % 60)}`;
}
