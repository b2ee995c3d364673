import { ShieldwallError } from '../errors/error-catalog.js';
import type { StixObjectRecord } from './intel-store.js';

const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * µs since the epoch of an RFC 3339 UTC timestamp as STIX and TAXII write them
 * (`2016-04-06T20:03:48.000Z`, any number of fraction digits); null when `value` is not one.
 * Digits beyond the µs are dropped: two versions differing only in nanoseconds are one version here.
 */
export function parseStixTimestamp(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = timestampPattern.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 2021-02-30 over to March; a round trip catches such dates and 24:00/60 seconds.
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi) {
    return null;
  }
  if (s > 59) return null;
  return ms * 1000 + Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
}

/** The timestamp of `us` µs: millisecond precision when that is exact, microseconds otherwise. */
export function formatStixTimestamp(us: number): string {
  const ms = Math.floor(us / 1000);
  const rest = us - ms * 1000;
  const iso = new Date(ms).toISOString();
  return rest === 0 ? iso : `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

/**
 * The stored form of one STIX object for `orgId`. Checks only what storage needs (id, type and
 * well-formed timestamps); validating the object against the STIX schemas is the caller's job.
 */
export function stixObjectRecord(object: Record<string, unknown>, orgId: string, tlp: string | null = null, json?: string): StixObjectRecord {
  const fail = (where: string, what: string) => new ShieldwallError('VALIDATION_FAILED', `${where}: ${what}`, { where });
  const { id, type } = object;
  if (typeof type !== 'string' || type === '') throw fail('type', 'must be a non-empty string');
  if (typeof id !== 'string' || !id.startsWith(`${type}--`)) throw fail('id', `must be a string "${type}--<uuid>"`);
  const stamp = (key: 'created' | 'modified'): number | null => {
    if (object[key] === undefined) return null;
    const us = parseStixTimestamp(object[key]);
    if (us === null) throw fail(key, `must be an RFC 3339 UTC timestamp, got ${JSON.stringify(object[key])}`);
    return us;
  };
  const createdUs = stamp('created');
  const modifiedUs = stamp('modified') ?? createdUs ?? 0;
  const specVersion = typeof object.spec_version === 'string' ? object.spec_version : '2.1';
  return { orgId, id, type, specVersion, createdUs, modifiedUs, revoked: object.revoked === true, tlp, json: json ?? JSON.stringify(object) };
}
