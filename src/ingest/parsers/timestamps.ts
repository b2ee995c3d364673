/**
 * Timestamp readers shared by the parsers. All return ms since the epoch or undefined; they never
 * throw and never consult the local time zone, so results do not depend on the host.
 */

const isoRe = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?\s*(Z|z|[+-]\d\d(?::?\d\d)?)?$/;

/**
 * Reads RFC 3339 / ISO 8601 date-times, tolerating the variants real producers write: Suricata's
 * `+0000` offset without a colon, any number of fraction digits (truncated to ms), a space instead
 * of `T`, and no zone at all (read as UTC, or as `defaultOffsetMinutes`). Checks field ranges.
 */
export function parseIsoTime(text: string, defaultOffsetMinutes = 0): number | undefined {
  const fast = parseIsoFast(text, defaultOffsetMinutes);
  if (fast !== -1) return fast;
  const m = isoRe.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offset = defaultOffsetMinutes;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offset = sign * (oh * 60 + om);
  } else if (zone !== undefined) {
    offset = 0;
  }
  // A leap second (:60) is folded into the next second, as Date.UTC does.
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000;
}

/**
 * Char-code reader for the layout nearly every producer writes, `YYYY-MM-DDTHH:MM:SS[.f…][zone]`:
 * parseIsoTime runs several times per EVE record, and the regex path cost a third of the time.
 * Returns -1 when the text is not in that layout (the regex path then decides), undefined when it
 * is but a field is out of range.
 */
function parseIsoFast(t: string, defaultOffsetMinutes: number): number | undefined {
  const len = t.length;
  if (len < 19 || t.charCodeAt(4) !== 0x2d || t.charCodeAt(7) !== 0x2d || t.charCodeAt(13) !== 0x3a || t.charCodeAt(16) !== 0x3a) return -1;
  const sep = t.charCodeAt(10);
  if (sep !== 0x54 && sep !== 0x20) return -1;
  const year = digits(t, 0, 4);
  const month = digits(t, 5, 2);
  const day = digits(t, 8, 2);
  const hour = digits(t, 11, 2);
  const minute = digits(t, 14, 2);
  const second = digits(t, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return -1;
  let i = 19;
  let ms = 0;
  if (i < len && (t.charCodeAt(i) === 0x2e || t.charCodeAt(i) === 0x2c)) {
    i++;
    const start = i;
    let scale = 100;
    while (i < len) {
      const c = t.charCodeAt(i) - 0x30;
      if (c < 0 || c > 9) break;
      ms += c * scale;
      scale /= 10;
      i++;
    }
    if (i === start) return -1;
    ms = Math.floor(ms);
  }
  let offset = defaultOffsetMinutes;
  if (i < len) {
    const z = t.charCodeAt(i);
    if ((z === 0x5a || z === 0x7a) && i + 1 === len) {
      offset = 0;
    } else if ((z === 0x2b || z === 0x2d) && (len - i === 6 || len - i === 5 || len - i === 3)) {
      const oh = digits(t, i + 1, 2);
      const colon = len - i === 6 ? 1 : 0;
      if (colon === 1 && t.charCodeAt(i + 3) !== 0x3a) return -1;
      const om = len - i === 3 ? 0 : digits(t, i + 3 + colon, 2);
      if (oh < 0 || om < 0) return -1;
      if (oh > 23 || om > 59) return undefined;
      offset = (z === 0x2d ? -1 : 1) * (oh * 60 + om);
    } else {
      return -1;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000;
}

/** The value of `n` decimal digits at `at`, or -1 if any is not a digit. */
function digits(t: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = t.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** English month abbreviations as syslog and CEF write them. */
export const monthIndex: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

/** Days in a month (1-based month), leap years included. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Picks the year for a year-less date (RFC 3164 `Nov 25 19:57:32`) so the result lies closest to
 * the reference time: a date more than a month ahead of it is taken from the previous year (a log
 * from 31 Dec read on 1 Jan), one far behind from the next year. Returns ms since the epoch.
 */
export function resolveYearlessTime(
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  referenceMs: number,
  offsetMinutes = 0,
): number | undefined {
  const refYear = new Date(referenceMs + offsetMinutes * 60_000).getUTCFullYear();
  const build = (year: number): number | undefined =>
    day > daysInMonth(year, month + 1) ? undefined : Date.UTC(year, month, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  const candidates = [refYear, refYear - 1, refYear + 1]
    .map(build)
    .filter((t): t is number => t !== undefined && t - referenceMs <= 31 * 86_400_000);
  let best: number | undefined;
  for (const t of candidates) {
    if (best === undefined || Math.abs(t - referenceMs) < Math.abs(best - referenceMs)) best = t;
  }
  return best;
}
