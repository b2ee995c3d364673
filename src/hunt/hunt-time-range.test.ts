import { describe, expect, it } from 'vitest';
import { inTimeRange, parseTimeBound } from './hunt-time-range.js';

describe('parseTimeBound', () => {
  it('reads dates, date-times, fractions and zones; zone-less is UTC', () => {
    expect(parseTimeBound('2020-10-18')).toBe(Date.parse('2020-10-18T00:00:00Z'));
    expect(parseTimeBound('2020-10-18T07:50')).toBe(Date.parse('2020-10-18T07:50:00Z'));
    expect(parseTimeBound('2020-10-18 07:50:06.220')).toBe(Date.parse('2020-10-18T07:50:06.220Z'));
    // Windows' 100 ns digits: milliseconds kept, the rest dropped (not rounded up into the next ms).
    expect(parseTimeBound('2026-04-08T10:58:04.8885849Z')).toBe(Date.parse('2026-04-08T10:58:04.888Z'));
    expect(parseTimeBound('2020-10-18T09:50:06+02:00')).toBe(Date.parse('2020-10-18T07:50:06Z'));
    expect(parseTimeBound('2020-10-18T02:20:06-0530')).toBe(Date.parse('2020-10-18T07:50:06Z'));
    expect(parseTimeBound(' 2020-10-18t07:50z ')).toBe(Date.parse('2020-10-18T07:50:00Z'));
    expect(parseTimeBound('2020-02-29')).toBe(Date.parse('2020-02-29T00:00:00Z'));
  });

  it('rejects what Date.parse would roll over or guess, saying which part is wrong', () => {
    expect(() => parseTimeBound('2021-02-29')).toThrow('"2021-02-29": day 29 is out of range (1–28)');
    expect(() => parseTimeBound('2020-13-01')).toThrow('month 13 is out of range (1–12)');
    expect(() => parseTimeBound('2020-10-18T24:00')).toThrow('hour 24 is out of range (0–23)');
    expect(() => parseTimeBound('2020-10-18T07:60')).toThrow('minute 60');
    expect(() => parseTimeBound('2020-10-18T07:50:06+25:00')).toThrow('zone hour 25');
    expect(() => parseTimeBound('yesterday')).toThrow('"yesterday" is not an ISO 8601 date or date-time');
    expect(() => parseTimeBound('10/18/2020')).toThrow('is not an ISO 8601');
    expect(() => parseTimeBound('2020-10-18T07')).toThrow('is not an ISO 8601');
  });
});

describe('inTimeRange', () => {
  const from = Date.parse('2026-04-08T10:58:04.864Z');
  const to = Date.parse('2026-04-08T10:58:04.880Z');
  it('takes from inclusive and to exclusive, and either side open', () => {
    expect(inTimeRange({ from, to }, from)).toBe(true);
    expect(inTimeRange({ from, to }, from - 1)).toBe(false);
    expect(inTimeRange({ from, to }, to - 1)).toBe(true);
    expect(inTimeRange({ from, to }, to)).toBe(false);
    expect(inTimeRange({ from }, to + 1e9)).toBe(true);
    expect(inTimeRange({ to }, 0)).toBe(true);
  });

  it('hunts an event without a time, which it cannot place', () => {
    expect(inTimeRange({ from, to }, undefined)).toBe(true);
  });
});
