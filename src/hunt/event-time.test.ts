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

describe('eventTime fast layouts', () => {
  it('gives what the general parser gives, on the fixed layouts and around them', () => {
    const general = (v: string): number | undefined => {
      let text = v;
      if (/^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text)) text = text.replace(' ', 'T') + 'Z';
      const ms = Date.parse(text);
      return Number.isNaN(ms) ? undefined : ms;
    };
    const values = [
      '2020-06-10T02:50:56.537Z', '2020-06-10T02:50:56Z', '2020-06-10T02:50:56.537', '2020-06-10 02:50:56.537', '2020-06-10 02:50:56',
      '2020-02-29T23:59:59.999Z', '2021-02-30T00:00:00.000Z', '2020-12-31 23:59:59', '2020-13-01T00:00:00.000Z', '2020-01-01T24:00:00.000Z',
      '2020-01-01T00:60:00Z', '0999-01-01T00:00:00Z', '2020-06-10 02:50:56Z', '2020-06-10T02:50:56.5Z', '2020-06-10T02:50:56+02:00',
      '2020-06-10T02:50:56.53xZ', '2020/06/10 02:50:56', '2020-06-10T02:50', '2020-06-1aT02:50:56Z',
    ];
    for (const v of values) expect(eventTime({ '@timestamp': v }), v).toBe(general(v));
  });

  it('gives what the general parser gives on every day 1–31 of every month, leap years and centuries included', () => {
    const general = (v: string): number | undefined => {
      const ms = Date.parse(v.endsWith('Z') ? v : v.replace(' ', 'T') + 'Z');
      return Number.isNaN(ms) ? undefined : ms;
    };
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const wrong: string[] = [];
    for (const year of [1000, 1600, 1700, 1900, 1969, 1970, 1999, 2000, 2020, 2021, 2024, 2100, 2400, 9999]) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 1; day <= 32; day++) {
          for (const v of [`${pad(year, 4)}-${pad(month)}-${pad(day)}T23:59:58.999Z`, `${pad(year, 4)}-${pad(month)}-${pad(day)} 00:00:01`]) {
            if (eventTime({ '@timestamp': v }) !== general(v)) wrong.push(v);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
