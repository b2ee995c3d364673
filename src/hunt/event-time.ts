/**
 * Reads the time of a raw Windows event, in ms since the epoch, so correlation windows follow the
 * log's own clock when hunting old files. Knows the layouts the readers produce: evtx_dump
 * (`Event.System.TimeCreated.#attributes.SystemTime`), NXLog/Logstash (`@timestamp`, `EventTime`,
 * `TimeCreated`, `UtcTime`), Azure Monitor (`TimeGenerated`) and Winlogbeat 6 (`@timestamp`).
 * Zone-less times (`2020-10-18 07:50:06.220`) are read as UTC, which Windows uses for them.
 */
const flatTimeFields = ['@timestamp', 'TimeCreated', 'TimeGenerated', 'UtcTime', 'EventTime', 'timestamp'];

function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length < 10) return undefined;
  const fast = fixedUtcTime(value);
  if (fast !== undefined) return fast;
  let text = value;
  if (/^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text)) text = text.replace(' ', 'T') + 'Z';
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Digit value of the character at `i`, or -1. */
function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Value of the `n` digits at `i`, or -1 when one is not a digit. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const d = digit(s, k);
    if (d < 0) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`), for years
 * from 1000. `Date.UTC` is a C++ builtin whose call cost more than the rest of the time reading;
 * like it, a day past the month's end rolls over into the next month (linear in `day`).
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * The layouts nearly every log uses, read without a regex or `Date.parse` (which together cost
 * about as much as the rest of the event's routing): `YYYY-MM-DDThh:mm:ss[.mmm]Z`, and zone-less
 * `YYYY-MM-DD[T ]hh:mm:ss[.mmm]` as UTC. Anything else (other fractions, offsets, day 32 and
 * later, years before 1000) is left to the general path, so the result is always what it gives:
 * V8's `Date.parse` rolls days 29–31 past a month's end over into the next month, as this does.
 */
function fixedUtcTime(s: string): number | undefined {
  const n = s.length;
  const zulu = s.charCodeAt(n - 1) === 90; // Z
  const body = zulu ? n - 1 : n;
  if (body !== 19 && body !== 23) return undefined;
  const sep = s.charCodeAt(10);
  if (sep !== 84 && !(sep === 32 && !zulu)) return undefined; // 'T', or ' ' without a zone
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  let ms = 0;
  if (body === 23) {
    if (s.charCodeAt(19) !== 46) return undefined; // '.'
    ms = digits(s, 20, 3);
    if (ms < 0) return undefined;
  }
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}

/** Event time in ms, or undefined when the event carries no readable time. */
export function eventTime(raw: Record<string, unknown>): number | undefined {
  const event = raw['Event'];
  if (typeof event === 'object' && event !== null) {
    const created = (event as { System?: { TimeCreated?: { '#attributes'?: { SystemTime?: unknown } } } }).System?.TimeCreated;
    const t = parseTime(created?.['#attributes']?.SystemTime);
    if (t !== undefined) return t;
  }
  for (const name of flatTimeFields) {
    const v = raw[name];
    if (v === undefined) continue;
    const t = parseTime(v);
    if (t !== undefined) return t;
  }
  return undefined;
}
