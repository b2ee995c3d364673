import { describe, expect, it } from 'vitest';
import { eventTime } from './event-time.js';

describe('eventTime', () => {
  it('reads the evtx_dump SystemTime (µs precision) as UTC', () => {
    const raw = { Event: { System: { TimeCreated: { '#attributes': { SystemTime: '2026-07-02T02:05:27.438557Z' } } } } };
    expect(eventTime(raw)).toBe(Date.UTC(2026, 6, 2, 2, 5, 27, 438));
  });

  it('reads NXLog @timestamp first and zone-less TimeCreated as UTC', () => {
    expect(eventTime({ '@timestamp': '2020-06-10T02:50:56.537Z', EventTime: '2020-06-09 22:50:54' })).toBe(Date.UTC(2020, 5, 10, 2, 50, 56, 537));
    expect(eventTime({ TimeCreated: '2020-10-18 07:50:06.220' })).toBe(Date.UTC(2020, 9, 18, 7, 50, 6, 220));
  });

  it('skips unreadable values and returns undefined without a time', () => {
    expect(eventTime({ '@timestamp': 'yesterday', UtcTime: '2021-01-01 00:00:00.000' })).toBe(Date.UTC(2021, 0, 1));
    expect(eventTime({ Image: 'C:\\x.exe' })).toBeUndefined();
    expect(eventTime({ Event: 'not an object' })).toBeUndefined();
  });
});
