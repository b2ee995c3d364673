import { describe, expect, it } from 'vitest';
import { parseIsoTime, resolveYearlessTime } from './timestamps.js';

describe('parseIsoTime', () => {
  it('reads the layouts producers write, fast path and regex path alike', () => {
    const t = Date.UTC(2022, 4, 11, 18, 10, 21, 981);
    expect(parseIsoTime('2022-05-11T18:10:21.981268+0000')).toBe(t);
    expect(parseIsoTime('2022-05-11T18:10:21.981268+00:00')).toBe(t);
    expect(parseIsoTime('2022-05-11T18:10:21.981Z')).toBe(t);
    expect(parseIsoTime('2022-05-11T18:10:21.9812680Z')).toBe(t);
    expect(parseIsoTime('2022-05-11 18:10:21.981')).toBe(t);
    expect(parseIsoTime('2022-05-11T20:10:21.981+02')).toBe(t);
    expect(parseIsoTime('2022-05-11T11:10:21,981-07:00')).toBe(t);
    expect(parseIsoTime('2022-05-11T18:10Z')).toBe(Date.UTC(2022, 4, 11, 18, 10));
    expect(parseIsoTime('2022-05-11T18:10:21')).toBe(Date.UTC(2022, 4, 11, 18, 10, 21));
    expect(parseIsoTime('2022-05-11T18:10:21', 60)).toBe(Date.UTC(2022, 4, 11, 17, 10, 21));
    expect(parseIsoTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it('rejects impossible dates and malformed text', () => {
    for (const bad of ['2023-02-29T00:00:00Z', '2022-13-01T00:00:00Z', '2022-05-11T24:00:00Z', '2022-05-11T18:10:21+25:00', '2022-05-11T18:10:21.Z', '2022-05-11T18:10:21 junk', 'yesterday', '2022-05-1', '']) {
      expect(parseIsoTime(bad), bad).toBeUndefined();
    }
  });
});

describe('resolveYearlessTime', () => {
  it('picks the year nearest the reference, never more than a month ahead', () => {
    const ref = Date.UTC(2027, 0, 2);
    expect(resolveYearlessTime(11, 31, 23, 59, 0, 0, ref)).toBe(Date.UTC(2026, 11, 31, 23, 59));
    expect(resolveYearlessTime(0, 5, 0, 0, 0, 0, ref)).toBe(Date.UTC(2027, 0, 5));
    expect(resolveYearlessTime(1, 29, 0, 0, 0, 0, Date.UTC(2024, 2, 1))).toBe(Date.UTC(2024, 1, 29));
    // 29 Feb exists in none of 2025, 2026, 2027.
    expect(resolveYearlessTime(1, 29, 0, 0, 0, 0, Date.UTC(2026, 2, 1))).toBeUndefined();
  });
});
