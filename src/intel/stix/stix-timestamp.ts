import type { StixTimestamp } from './stix-core-types.js';

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/;

/**
 * A STIX timestamp for `ms` since the epoch, always with exactly three fraction digits:
 * `created` and `modified` MUST be precise to the millisecond (STIX 2.1 §3.2).
 *
 * @example stixTimestamp(0) // '1970-01-01T00:00:00.000Z'
 */
export function stixTimestamp(ms: number): StixTimestamp {
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
  return new Date(Math.floor(ms)).toISOString();
}

/** Milliseconds since the epoch of a STIX timestamp (digits below the millisecond are dropped); NaN if malformed. */
export function parseStixTimestamp(ts: string): number {
  const m = TIMESTAMP.exec(ts);
  if (!m) return Number.NaN;
  const ms = Date.parse(`${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}Z`);
  return ms;
}

/** Whether `ts` is a well-formed STIX timestamp (RFC 3339, `Z` zone). */
export function isStixTimestamp(ts: unknown): ts is StixTimestamp {
  return typeof ts === 'string' && !Number.isNaN(parseStixTimestamp(ts));
}

/**
 * Orders two STIX timestamps, to full precision (a timestamp may carry up to nanoseconds, and
 * `…00.5Z` sorts after `…00.123Z`, which a string comparison gets wrong). Negative, 0, positive.
 */
export function compareStixTimestamps(a: StixTimestamp, b: StixTimestamp): number {
  const ma = TIMESTAMP.exec(a);
  const mb = TIMESTAMP.exec(b);
  if (!ma || !mb) throw new RangeError(`not a STIX timestamp: ${ma ? b : a}`);
  const ka = `${ma[1]}.${(ma[2] ?? '').padEnd(9, '0')}`;
  const kb = `${mb[1]}.${(mb[2] ?? '').padEnd(9, '0')}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
