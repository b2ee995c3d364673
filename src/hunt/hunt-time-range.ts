/**
 * The time window of a hunt (`--from`, `--to`): events whose own time lies outside are not
 * hunted. `from` is inclusive and `to` exclusive, so `--from 2020-10-18 --to 2020-10-19` is that
 * whole day and consecutive windows never share an event.
 */
export interface HuntTimeRange {
  /** Earliest event time hunted, ms since the epoch (inclusive). */
  from?: number;
  /** Events from this time on are not hunted, ms since the epoch (exclusive). */
  to?: number;
}

// Date, then optionally time (minutes at least), fraction and zone; `T` or one space between.
const bound = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?(Z|[+-]\d\d:?\d\d)?)?$/i;

/**
 * Reads one bound of a {@link HuntTimeRange}: an ISO 8601 date (`2020-10-18`, midnight) or date
 * and time (`2020-10-18T07:50`, `2020-10-18 07:50:06.220`, `…Z`, `…+02:00`). A time without a
 * zone is UTC, as Windows writes event times. Every part is range-checked rather than left to
 * `Date.parse`, which rolls `2020-02-30` over into March.
 * @throws Error saying what is wrong with `text`
 */
export function parseTimeBound(text: string): number {
  const m = bound.exec(text.trim());
  if (!m) throw new Error(`${JSON.stringify(text)} is not an ISO 8601 date or date-time (e.g. 2020-10-18 or 2020-10-18T07:50:06Z)`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const part = (name: string, value: number, max: number, min = 0): void => {
    if (value < min || value > max) throw new Error(`${JSON.stringify(text)}: ${name} ${value} is out of range (${min}–${max})`);
  };
  part('month', month, 12, 1);
  part('day', day, new Date(Date.UTC(year, month, 0)).getUTCDate(), 1);
  part('hour', Number(h), 23);
  part('minute', Number(mi), 59);
  part('second', Number(s), 59);
  let offset = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    part('zone hour', oh, 23);
    part('zone minute', om, 59);
    offset = (digits[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const utc = new Date(0);
  // setUTCFullYear keeps years 0–99 as they are (Date.UTC would read them as 1900–1999).
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(Number(h), Number(mi), Number(s), ms);
  return utc.getTime() - offset;
}

/**
 * Whether an event of time `time` is hunted under `range`. An event without a time (none of the
 * layouts' time fields, or one that does not parse) cannot be placed and is hunted: a window
 * narrows a hunt, it must not silently drop events it knows nothing about.
 */
export function inTimeRange(range: HuntTimeRange, time: number | undefined): boolean {
  if (time === undefined) return true;
  if (range.from !== undefined && time < range.from) return false;
  return range.to === undefined || time < range.to;
}
