import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ManualClock } from '../../shared/clock.js';
import type { RuleMeta } from '../sigma-types.js';
import { CorrelationEngine } from './correlation-engine.js';
import { parseCorrelation } from './parse-correlation.js';

const rules: RuleMeta[] = [
  { id: 'id-web', name: 'website_access', title: 'web', level: 'low', status: 'test', author: 'a', description: '', tags: [], references: [], logsource: {} },
];

function engine(type: string, cond: string, timespan = '1h'): CorrelationEngine {
  const doc = parse(`
title: ${type}
id: m-1
correlation:
  type: ${type}
  rules: [website_access]
  group-by: [SourceIP]
  timespan: ${timespan}
  condition: ${cond}`) as Record<string, unknown>;
  const r = parseCorrelation({ doc, path: 't.yml' });
  if ('message' in r) throw new Error(r.message);
  const e = new CorrelationEngine({ correlations: [r], rules, clock: new ManualClock(0) });
  expect(e.errors).toEqual([]);
  return e;
}

const H = 3_600_000;
const web = (e: CorrelationEngine, t: number, fields: Record<string, unknown>) => e.observe(['id-web'], { SourceIP: '10.0.0.1', ...fields }, t);

describe('value_sum (sliding)', () => {
  it('fires when the sum over the window passes the bound', () => {
    const e = engine('value_sum', '{field: bytes_sent, gt: 1000000}');
    expect(web(e, 0, { bytes_sent: 600_000 })).toEqual([]);
    expect(web(e, 1, { bytes_sent: 'n/a' })).toEqual([]); // not a number: ignored
    expect(web(e, 2, { bytes_sent: 400_000 })).toEqual([]); // exactly 1,000,000 is not > 1,000,000
    const d = web(e, 3, { bytes_sent: '1' }); // numeric strings count
    expect(d[0]?.correlation).toMatchObject({ type: 'value_sum', value: 1_000_001, groupBy: { SourceIP: '10.0.0.1' } });
    expect(d[0]?.correlation?.count).toBeUndefined();
  });

  it('amounts older than the timespan leave the sum', () => {
    const e = engine('value_sum', '{field: bytes_sent, gte: 100}');
    web(e, 0, { bytes_sent: 60 });
    expect(web(e, H, { bytes_sent: 40 })).toEqual([]); // 60 at 0 is out at exactly 1h
    expect(web(e, H + 1, { bytes_sent: 60 })[0]?.correlation).toMatchObject({ value: 100, windowStart: H });
  });
});

describe('value_avg (decided when the window closes)', () => {
  it('compares the average over the whole window, not a running average', () => {
    const e = engine('value_avg', '{field: BytesOut, gt: 500}');
    expect(web(e, 0, { BytesOut: 2000 })).toEqual([]); // running average 2000 would fire here
    web(e, 10, { BytesOut: 100 });
    web(e, 20, { BytesOut: 100 });
    web(e, 30, { BytesOut: 100 }); // average 575
    web(e, 40, { SourceIP: '10.0.0.2', BytesOut: 10 });
    expect(e.advance(H - 1)).toEqual([]);
    const d = e.advance(H);
    expect(d).toHaveLength(1);
    expect(d[0]?.correlation).toMatchObject({ type: 'value_avg', value: 575, windowStart: 0, windowEnd: H, groupBy: { SourceIP: '10.0.0.1' } });
  });

  it('a group whose events carry no number never fires', () => {
    const e = engine('value_avg', '{field: BytesOut, lt: 5}');
    web(e, 0, { BytesOut: 'x' });
    web(e, 1, {});
    expect(e.flush()).toEqual([]);
  });
});

describe('value_percentile (share of each value in a closed window, in percent)', () => {
  it('lte 10 finds values seen in at most 10% of the group events', () => {
    const e = engine('value_percentile', '{field: Image, lte: 10}', '24h');
    for (let i = 0; i < 18; i++) web(e, i, { Image: 'C:\\Windows\\explorer.exe' });
    web(e, 100, { Image: 'C:\\Temp\\evil.exe' });
    web(e, 101, { Image: 'C:\\Windows\\notepad.exe' });
    const d = e.flush();
    expect(d.map((x) => [x.correlation?.fieldValue, x.correlation?.value])).toEqual([
      ['C:\\Temp\\evil.exe', 5],
      ['C:\\Windows\\notepad.exe', 5],
    ]);
    expect(d[0]?.correlation).toMatchObject({ type: 'value_percentile', windowStart: 0, windowEnd: 24 * H });
  });

  it('past maxEntriesPerGroup new values still count in the total, untracked', () => {
    const doc = parse(`
title: t
correlation: {type: value_percentile, rules: [website_access], timespan: 1h, condition: {field: Image, gte: 50}}`) as Record<string, unknown>;
    const r = parseCorrelation({ doc, path: 't.yml' });
    if ('message' in r) throw new Error(r.message);
    const e = new CorrelationEngine({ correlations: [r], rules, maxEntriesPerGroup: 2 });
    for (const img of ['a', 'a', 'b', 'c', 'd']) e.observe(['id-web'], { Image: img }, 0);
    // a is 2 of 5 events (40 %), not 2 of 3
    expect(e.flush()).toEqual([]);
    expect(e.stats().droppedEntries).toBe(2);
  });

  it('the median (gte 50) value', () => {
    const e = engine('value_percentile', '{field: Image, gte: 50}');
    web(e, 0, { Image: 'a' });
    web(e, 1, { Image: 'a' });
    web(e, 2, { Image: 'b' });
    expect(e.flush().map((x) => x.correlation?.fieldValue)).toEqual(['a']);
  });
});
