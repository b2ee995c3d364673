import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ManualClock } from '../../shared/clock.js';
import type { RuleMeta } from '../sigma-types.js';
import { CorrelationEngine, type CorrelationEngineOptions } from './correlation-engine.js';
import type { CorrelationRule } from './correlation-rule.js';
import type { Detection } from './detection.js';
import { parseCorrelation } from './parse-correlation.js';

function ruleMeta(name: string): RuleMeta {
  return { id: `id-${name}`, name, title: name, level: 'low', status: 'test', author: 'a', description: '', tags: [], references: [], logsource: {} };
}
const rules = ['failed', 'ok', 'a', 'b', 'c'].map(ruleMeta);

function correlations(text: string): CorrelationRule[] {
  return parseAllDocuments(text).map((d, i) => {
    const r = parseCorrelation({ doc: d.toJS() as Record<string, unknown>, path: 't.yml', line: i + 1 });
    if ('message' in r) throw new Error(r.message);
    return r;
  });
}

function engine(text: string, opts: Partial<CorrelationEngineOptions> = {}): CorrelationEngine {
  const e = new CorrelationEngine({ correlations: correlations(text), rules, clock: new ManualClock(0), ...opts });
  expect(e.errors).toEqual([]);
  return e;
}

const S = 1000;
const M = 60 * S;

/** Feeds `rule` events at the given times with the given fields; returns detections per event. */
function feed(e: CorrelationEngine, rule: string, fields: Record<string, unknown>, times: number[]): Detection[][] {
  return times.map((t) => e.observe([`id-${rule}`], fields, t));
}

const eventCount = (cond: string, extra = '') => `
title: brute force
id: corr-1
level: high
author: Tester
correlation:
  type: event_count
  rules: [failed]
  group-by: [User]
  timespan: 1m
  condition: ${cond}
${extra}`;

describe('event_count (sliding, fires when the count is reached)', () => {
  it('fires on the event that reaches the threshold inside the window, with the correlation meta', () => {
    const e = engine(eventCount('{gte: 3}'));
    const out = feed(e, 'failed', { User: 'alice' }, [0, 30 * S, M - 1]);
    expect(out[0]).toEqual([]);
    expect(out[1]).toEqual([]);
    expect(out[2]).toHaveLength(1);
    expect(out[2]?.[0]).toMatchObject({
      kind: 'correlation',
      matched: [],
      rule: { id: 'corr-1', title: 'brute force', level: 'high', author: 'Tester' },
      correlation: { type: 'event_count', groupBy: { User: 'alice' }, count: 3, value: 3, rules: ['id-failed'], windowStart: 0, windowEnd: M - 1 },
    });
  });

  it('an event exactly one timespan after another is outside its window (to the millisecond)', () => {
    const e = engine(eventCount('{gte: 3}'));
    expect(feed(e, 'failed', { User: 'alice' }, [0, 30 * S, M]).flat()).toEqual([]);
    // the window ending at M + 1000 holds 30 s, M and M + 1000: slides, no fixed boundaries
    const d = feed(e, 'failed', { User: 'alice' }, [M + S]).flat();
    expect(d[0]?.correlation).toMatchObject({ count: 3, windowStart: 30 * S, windowEnd: M + S });
  });

  it('gt is strict', () => {
    const e = engine(eventCount('{gt: 2}'));
    expect(feed(e, 'failed', { User: 'u' }, [0, 1]).flat()).toEqual([]);
    expect(feed(e, 'failed', { User: 'u' }, [2]).flat()).toHaveLength(1);
  });

  it('re-alerts only after a fresh set of events (state cleared after firing)', () => {
    const e = engine(eventCount('{gte: 2}'));
    const out = feed(e, 'failed', { User: 'u' }, [0, 1, 2, 3, 4]).map((d) => d.length);
    expect(out).toEqual([0, 1, 0, 1, 0]);
  });

  it('keeps groups apart and ignores events without the group-by field', () => {
    const e = engine(eventCount('{gte: 3}'));
    expect(feed(e, 'failed', { User: 'alice' }, [0, 1]).flat()).toEqual([]);
    expect(feed(e, 'failed', { User: 'bob' }, [2, 3]).flat()).toEqual([]);
    expect(feed(e, 'failed', { Other: 'x' }, [4, 5, 6]).flat()).toEqual([]);
    expect(feed(e, 'failed', { User: null }, [7]).flat()).toEqual([]);
    const d = feed(e, 'failed', { User: 'bob' }, [8]).flat();
    expect(d.map((x) => x.correlation?.groupBy)).toEqual([{ User: 'bob' }]);
  });

  it('groups by several fields (AND) and by nested ECS paths', () => {
    const e = engine(`
title: t
correlation: {type: event_count, rules: [failed], group-by: [user.name, host.name], timespan: 1m, condition: {gte: 2}}`);
    expect(e.observe(['id-failed'], { user: { name: 'u' }, host: { name: 'h1' } }, 0)).toEqual([]);
    expect(e.observe(['id-failed'], { user: { name: 'u' }, host: { name: 'h2' } }, 1)).toEqual([]);
    const d = e.observe(['id-failed'], { 'user.name': 'u', 'host.name': 'h2' }, 2);
    expect(d[0]?.correlation?.groupBy).toEqual({ 'user.name': 'u', 'host.name': 'h2' });
  });

  it('without group-by every event is in one group', () => {
    const e = engine(`
title: t
correlation: {type: event_count, rules: [failed, ok], timespan: 1m, condition: {gte: 2}}`);
    expect(e.observe(['id-failed'], { User: 'a' }, 0)).toEqual([]);
    const d = e.observe(['id-ok'], {}, 1);
    expect(d[0]?.correlation).toMatchObject({ groupBy: {}, count: 2, rules: ['id-failed', 'id-ok'] });
  });

  it('takes matched rules by name as well as by id', () => {
    const e = engine(eventCount('{gte: 2}'));
    e.observe(['failed'], { User: 'u' }, 0);
    expect(e.observe(['id-failed'], { User: 'u' }, 1)[0]?.correlation?.rules).toEqual(['id-failed']);
  });

  it('ignores rules it does not reference', () => {
    const e = engine(eventCount('{gte: 1}'));
    expect(e.observe(['id-ok', 'id-unknown'], { User: 'u' }, 0)).toEqual([]);
    expect(e.observe(['id-failed'], { User: 'u' }, 0)).toHaveLength(1);
  });

  it('uses the injected clock when the event has no time', () => {
    const clock = new ManualClock(10 * M);
    const e = engine(eventCount('{gte: 2}'), { clock });
    expect(e.observe(['id-failed'], { User: 'u' })).toEqual([]);
    clock.advance(M);
    expect(e.observe(['id-failed'], { User: 'u' })).toEqual([]); // exactly one timespan later: out
    clock.advance(M - 1);
    expect(e.observe(['id-failed'], { User: 'u' })[0]?.correlation).toMatchObject({ windowStart: 11 * M, windowEnd: 12 * M - 1 });
  });
});

describe('event_count with an upper bound (anchored windows decided on close)', () => {
  it('lt: fires when the window [start, start + timespan) closes with fewer events', () => {
    const e = engine(eventCount('{lt: 3}'));
    expect(feed(e, 'failed', { User: 'u' }, [0, 10 * S]).flat()).toEqual([]);
    expect(e.advance(M - 1)).toEqual([]);
    const d = e.advance(M);
    expect(d).toHaveLength(1);
    expect(d[0]?.correlation).toMatchObject({ count: 2, windowStart: 0, windowEnd: M, groupBy: { User: 'u' } });
    expect(e.stats().groups).toBe(0);
  });

  it('an event at exactly start + timespan closes the window and opens the next one', () => {
    const e = engine(eventCount('{lt: 3}'));
    feed(e, 'failed', { User: 'u' }, [0, 1, 2]);
    expect(e.observe(['id-failed'], { User: 'u' }, M)).toEqual([]); // window [0, M) had 3: no alert
    const d = e.flush();
    expect(d.map((x) => x.correlation)).toMatchObject([{ count: 1, windowStart: M, windowEnd: 2 * M }]);
  });

  it('range gt 1 and lte 3 rejects windows with more events', () => {
    const e = engine(eventCount('{gt: 1, lte: 3}'));
    feed(e, 'failed', { User: 'few' }, [0, 1, 2]);
    feed(e, 'failed', { User: 'many' }, [0, 1, 2, 3, 4]);
    feed(e, 'failed', { User: 'one' }, [0]);
    const d = e.advance(M);
    expect(d.map((x) => x.correlation?.groupBy)).toEqual([{ User: 'few' }]);
  });

  it('eq and neq', () => {
    const eq = engine(eventCount('{eq: 2}'));
    feed(eq, 'failed', { User: 'two' }, [0, 1]);
    feed(eq, 'failed', { User: 'three' }, [0, 1, 2]);
    expect(eq.flush().map((x) => x.correlation?.groupBy)).toEqual([{ User: 'two' }]);
    const neq = engine(eventCount('{neq: 2}'));
    feed(neq, 'failed', { User: 'two' }, [0, 1]);
    feed(neq, 'failed', { User: 'three' }, [0, 1, 2]);
    expect(neq.flush().map((x) => x.correlation?.groupBy)).toEqual([{ User: 'three' }]);
  });
});

describe('value_count', () => {
  const text = (cond: string) => `
title: spray
correlation:
  type: value_count
  rules: [failed]
  group-by: [Host]
  timespan: 1m
  condition: ${cond}`;

  it('counts distinct values, not events', () => {
    const e = engine(text('{field: User, gte: 3}'));
    expect(e.observe(['id-failed'], { Host: 'h', User: 'a' }, 0)).toEqual([]);
    expect(e.observe(['id-failed'], { Host: 'h', User: 'a' }, 1)).toEqual([]);
    expect(e.observe(['id-failed'], { Host: 'h', User: 'b' }, 2)).toEqual([]);
    expect(e.observe(['id-failed'], { Host: 'h' }, 3)).toEqual([]); // no value: not counted
    const d = e.observe(['id-failed'], { Host: 'h', User: 'c' }, 4);
    expect(d[0]?.correlation).toMatchObject({ type: 'value_count', count: 3, groupBy: { Host: 'h' }, windowStart: 1, windowEnd: 4 });
  });

  it('a value seen again stays in the window; one last seen a timespan ago drops out', () => {
    const e = engine(text('{field: User, gte: 3}'));
    e.observe(['id-failed'], { Host: 'h', User: 'a' }, 0);
    e.observe(['id-failed'], { Host: 'h', User: 'b' }, 10 * S);
    e.observe(['id-failed'], { Host: 'h', User: 'a' }, 20 * S); // a refreshed
    expect(e.observe(['id-failed'], { Host: 'h', User: 'c' }, 70 * S)).toEqual([]); // b (10 s) is out at 70 s
    expect(e.observe(['id-failed'], { Host: 'h', User: 'd' }, 80 * S - 1)).toHaveLength(1); // a, c, d
  });

  it('several fields form one tuple value', () => {
    const e = engine(text('{field: [User, Domain], gte: 2}'));
    e.observe(['id-failed'], { Host: 'h', User: 'a', Domain: 'x' }, 0);
    expect(e.observe(['id-failed'], { Host: 'h', User: 'a', Domain: 'x' }, 1)).toEqual([]);
    expect(e.observe(['id-failed'], { Host: 'h', User: 'a', Domain: 'y' }, 2)).toHaveLength(1);
  });

  it('lte on closed windows', () => {
    const e = engine(text('{field: User, lte: 1}'));
    e.observe(['id-failed'], { Host: 'quiet', User: 'a' }, 0);
    e.observe(['id-failed'], { Host: 'quiet', User: 'a' }, 1);
    e.observe(['id-failed'], { Host: 'busy', User: 'a' }, 0);
    e.observe(['id-failed'], { Host: 'busy', User: 'b' }, 1);
    expect(e.advance(M).map((d) => d.correlation?.groupBy)).toEqual([{ Host: 'quiet' }]);
  });
});

describe('memory bounds', () => {
  it('evicts the least recently active group past maxGroups and counts it', () => {
    const e = engine(eventCount('{gte: 2}'), { maxGroups: 2 });
    e.observe(['id-failed'], { User: 'a' }, 0);
    e.observe(['id-failed'], { User: 'b' }, 1);
    e.observe(['id-failed'], { User: 'a' }, 2); // a becomes most recent... and fires (count 2)
    e.observe(['id-failed'], { User: 'c' }, 3);
    e.observe(['id-failed'], { User: 'd' }, 4); // b is evicted
    expect(e.stats()).toMatchObject({ groups: 2, evictedGroups: 1 });
    expect(e.observe(['id-failed'], { User: 'b' }, 5)).toEqual([]); // b's first event was lost
    expect(e.stats().evictedGroups).toBe(2); // c went
    expect(e.observe(['id-failed'], { User: 'd' }, 6)).toHaveLength(1);
  });

  it('holds at most maxGroups groups under a flood of distinct keys', () => {
    const e = engine(eventCount('{gte: 2}'), { maxGroups: 100 });
    for (let i = 0; i < 5000; i++) e.observe(['id-failed'], { User: `u${i}` }, i);
    expect(e.stats()).toMatchObject({ groups: 100, evictedGroups: 4900 });
  });

  it('expires idle groups once their window has passed', () => {
    const e = engine(eventCount('{gte: 5}'));
    for (let i = 0; i < 50; i++) e.observe(['id-failed'], { User: `u${i}` }, i);
    expect(e.stats().groups).toBe(50);
    e.advance(M + 48);
    expect(e.stats()).toMatchObject({ groups: 1, expiredGroups: 49 });
    e.advance(M + 49 + 1000);
    expect(e.stats()).toMatchObject({ groups: 0, expiredGroups: 50 });
  });

  it('past maxEntriesPerGroup a sliding sum or count merges its oldest entries: totals stay exact', () => {
    const sum = engine(`
title: t
correlation: {type: value_sum, rules: [a], group-by: [H], timespan: 1h, condition: {field: n, gte: 25}}`, { maxEntriesPerGroup: 10 });
    for (let i = 0; i < 24; i++) expect(sum.observe(['id-a'], { H: 'h', n: 1 }, i)).toEqual([]);
    expect(sum.stats().droppedEntries).toBe(14);
    expect(sum.observe(['id-a'], { H: 'h', n: 1 }, 24)[0]?.correlation).toMatchObject({ value: 25, windowStart: 0 });
    const count = engine(eventCount('{gte: 50}'), { maxEntriesPerGroup: 10 });
    const fired = feed(count, 'failed', { User: 'u' }, Array.from({ length: 50 }, (_, i) => i)).map((d) => d.length);
    expect(fired.indexOf(1)).toBe(49);
  });

  it('merged entries leave the window at the older time: late, never wrong', () => {
    const e = engine(eventCount('{gte: 4}'), { maxEntriesPerGroup: 2 });
    feed(e, 'failed', { User: 'u' }, [0, 30 * S, 40 * S]); // 0 and 30 s merge into one entry at 0
    // exact window at 65 s: 30 s, 40 s, 65 s = 3; merged: 40 s, 65 s = 2 (under-counted)
    expect(feed(e, 'failed', { User: 'u' }, [65 * S, 66 * S]).flat()).toEqual([]);
    expect(feed(e, 'failed', { User: 'u' }, [67 * S]).flat()).toHaveLength(1);
  });
});
