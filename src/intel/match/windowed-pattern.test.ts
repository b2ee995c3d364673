import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { IndicatorIndex } from './indicator-index.js';

const t0 = Date.parse('2026-03-01T12:00:00Z');
const base = { pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z' };
const ip = (ms: number) => ({ time: t0 + ms, ecs: { 'destination.ip': '203.0.113.5' } });
const dns = (ms: number, name = 'x.example') => ({ time: t0 + ms, ecs: { 'dns.question.name': name } });

describe('windowed patterns on the live stream', () => {
  it('completes FOLLOWEDBY … WITHIN only in order and inside the window, and reports it once', () => {
    const index = new IndicatorIndex({ clock: new ManualClock(t0) });
    const id = 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';
    expect(index.add({ ...base, id, pattern: "([ipv4-addr:value = '203.0.113.5'] FOLLOWEDBY [domain-name:value = 'x.example']) WITHIN 60 SECONDS" })).toEqual({ status: 'added', shape: 'windowed' });
    expect(index.matchEvent(dns(0))).toEqual([]); // the domain before the address
    expect(index.matchEvent(ip(1000))).toEqual([]);
    expect(index.matchEvent(dns(61_001))).toEqual([]); // 60.001 s after the address
    expect(index.matchEvent(ip(70_000))).toEqual([]);
    expect(index.matchEvent(dns(130_000))).toEqual([{ indicatorId: id, field: 'dns.question.name', value: 'x.example' }]); // exactly 60 s
    expect(index.matchEvent(dns(130_500))).toEqual([]); // the address was used by the report
    expect(index.matchEvent(ip(131_000))).toEqual([]);
    expect(index.matchEvent(dns(132_000))).toHaveLength(1);
  });

  it('counts REPEATS inside WITHIN on event times', () => {
    const index = new IndicatorIndex({ clock: new ManualClock(t0) });
    const id = 'indicator--0c7a8a3e-57a4-4a7e-a9e5-4d0b8f3f1a11';
    index.add({ ...base, id, pattern: "[domain-name:value = 'beacon.example'] REPEATS 3 TIMES WITHIN 10 SECONDS" });
    const b = (ms: number) => index.matchEvent(dns(ms, 'beacon.example')).map((m) => m.indicatorId);
    expect([b(0), b(4000), b(11_000)]).toEqual([[], [], []]);
    expect(b(12_000)).toEqual([id]);
    expect(index.matchEvent(dns(12_500, 'other.example'))).toEqual([]);
  });

  it('keeps one window per key: events of two organisations never complete a pattern together', () => {
    const index = new IndicatorIndex({ clock: new ManualClock(t0) });
    const id = 'indicator--1d6f3f0e-2b7c-4c55-8a7e-6a0e5c1b2d33';
    index.add({ ...base, id, pattern: "[ipv4-addr:value = '203.0.113.5'] FOLLOWEDBY [domain-name:value = 'x.example']" });
    expect(index.matchEvent(ip(0), t0, 'org-a')).toEqual([]);
    expect(index.matchEvent(dns(1000), t0, 'org-b')).toEqual([]);
    expect(index.matchEvent(dns(2000), t0, 'org-a').map((m) => m.indicatorId)).toEqual([id]);
  });

  it('keeps at most maxEntries observations per indicator and uses the clock for events without time', () => {
    const clock = new ManualClock(t0);
    const index = new IndicatorIndex({ clock, window: { maxEntries: 2 } });
    const id = 'indicator--4b1f3c55-2f0e-4f43-9d5a-0a6a3f0b9c21';
    index.add({ ...base, id, pattern: "[domain-name:value = 'r.example'] REPEATS 3 TIMES" });
    const r = () => index.matchEvent({ ecs: { 'dns.question.name': 'r.example' } }).length;
    expect([r(), r(), r(), r()]).toEqual([0, 0, 0, 0]); // never three remembered at once
  });
});
