import { describe, expect, it } from 'vitest';
import { isShieldwallError } from '../../errors/error-catalog.js';
import { ManualClock } from '../../shared/clock.js';
import { buildIndicator } from './stix-builders.js';
import { compareStixTimestamps, isStixTimestamp, parseStixTimestamp, stixTimestamp } from './stix-timestamp.js';
import { isNewerVersion, latestVersion, newVersion, revoke } from './stix-versioning.js';

const T0 = Date.UTC(2026, 10, 26, 1, 40, 0, 7);
const uuids = () => {
  let n = 0;
  return { next: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
};

describe('STIX timestamps', () => {
  it('always carry exactly milliseconds and a Z zone', () => {
    expect(stixTimestamp(T0)).toBe('2026-11-26T01:40:00.007Z');
    expect(stixTimestamp(T0 + 0.9)).toBe('2026-11-26T01:40:00.007Z');
    expect(stixTimestamp(0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('parse any precision and reject other zones', () => {
    expect(parseStixTimestamp('2026-11-26T01:40:00Z')).toBe(T0 - 7);
    expect(parseStixTimestamp('2026-11-26T01:40:00.007123456Z')).toBe(T0);
    expect(parseStixTimestamp('2026-11-26T01:40:00.5Z')).toBe(T0 - 7 + 500);
    expect(isStixTimestamp('2026-11-26T01:40:00+01:00')).toBe(false);
    expect(isStixTimestamp('yesterday')).toBe(false);
  });

  it('order to full precision, where string order is wrong', () => {
    expect(compareStixTimestamps('2026-01-01T00:00:00.5Z', '2026-01-01T00:00:00.123Z')).toBeGreaterThan(0);
    expect(compareStixTimestamps('2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z')).toBe(0);
    expect(compareStixTimestamps('2026-01-01T00:00:00.000001Z', '2026-01-01T00:00:00.000Z')).toBeGreaterThan(0);
  });
});

describe('versioning (STIX 2.1 §3.6)', () => {
  it('keeps id and created, applies changes, moves modified forward', () => {
    const clock = new ManualClock(T0);
    const v1 = buildIndicator({ pattern: "[url:value = 'http://a.example/']", name: 'first' }, { clock, ids: uuids() });
    clock.advance(60_000);
    const v2 = newVersion(v1, { name: 'second', description: 'more context' }, clock);
    expect(v2.id).toBe(v1.id);
    expect(v2.created).toBe(v1.created);
    expect(v2.modified).toBe('2026-11-26T01:41:00.007Z');
    expect(v2.name).toBe('second');
    expect(isNewerVersion(v2, v1)).toBe(true);
    expect(isNewerVersion(v1, v2)).toBe(false);
    expect(latestVersion([v1, v2, v1])).toBe(v2);
  });

  it('never produces the same or an earlier modified, even when the clock has not moved', () => {
    const clock = new ManualClock(T0);
    const v1 = buildIndicator({ pattern: "[url:value = 'http://a.example/']" }, { clock, ids: uuids() });
    const v2 = newVersion(v1, { name: 'same millisecond' }, clock);
    clock.set(T0 - 5_000);
    const v3 = newVersion(v2, { name: 'clock behind' }, clock);
    expect(v2.modified).toBe('2026-11-26T01:40:00.008Z');
    expect(v3.modified).toBe('2026-11-26T01:40:00.009Z');
  });

  it('removes a property set to undefined', () => {
    const clock = new ManualClock(T0);
    const v1 = buildIndicator({ pattern: "[url:value = 'http://a.example/']", description: 'd' }, { clock, ids: uuids() });
    const v2 = newVersion(v1, { description: undefined }, clock);
    expect('description' in v2).toBe(false);
  });

  it('revokes, and refuses to version a revoked object or change fixed properties', () => {
    const clock = new ManualClock(T0);
    const v1 = buildIndicator({ pattern: "[url:value = 'http://a.example/']" }, { clock, ids: uuids() });
    clock.advance(1);
    const revoked = revoke(v1, clock);
    expect(revoked.revoked).toBe(true);
    expect(isNewerVersion(revoked, v1)).toBe(true);
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isShieldwallError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => newVersion(revoked, { name: 'x' }, clock))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => newVersion(v1, { id: 'indicator--x' } as never, clock))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => newVersion(v1, { created: '2020-01-01T00:00:00.000Z' } as never, clock))).toBe('VALIDATION_FAILED');
  });
});
