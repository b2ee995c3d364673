import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ManualClock } from '../../shared/clock.js';
import type { RuleMeta } from '../sigma-types.js';
import { CorrelationEngine } from './correlation-engine.js';
import { parseCorrelation } from './parse-correlation.js';

function ruleMeta(name: string): RuleMeta {
  return { id: `id-${name}`, name, title: name, level: 'low', status: 'test', author: 'a', description: '', tags: [], references: [], logsource: {} };
}
const rules = ['a', 'b', 'c'].map(ruleMeta);

function engine(text: string): CorrelationEngine {
  const correlations = parseAllDocuments(text).map((d) => {
    const r = parseCorrelation({ doc: d.toJS() as Record<string, unknown>, path: 't.yml' });
    if ('message' in r) throw new Error(r.message);
    return r;
  });
  const e = new CorrelationEngine({ correlations, rules, clock: new ManualClock(0) });
  expect(e.errors).toEqual([]);
  return e;
}

const M = 60_000;
const temporal = (type: string, extra = '') => `
title: recon
id: recon-1
correlation:
  type: ${type}
  rules: [a, b, c]
  group-by: [Host]
  timespan: 5m
${extra}`;

const at = (e: CorrelationEngine, rule: string, t: number, host = 'h') => e.observe([`id-${rule}`], { Host: host }, t);

describe('temporal', () => {
  it('fires when all rules matched within the timespan, in any order', () => {
    const e = engine(temporal('temporal'));
    expect(at(e, 'c', 0)).toEqual([]);
    expect(at(e, 'a', M)).toEqual([]);
    expect(at(e, 'a', 2 * M)).toEqual([]); // repeats do not count twice
    const d = at(e, 'b', 5 * M - 1);
    expect(d[0]?.correlation).toMatchObject({ type: 'temporal', count: 3, rules: ['id-a', 'id-b', 'id-c'], windowStart: 0, windowEnd: 5 * M - 1 });
  });

  it('a rule matched exactly one timespan earlier no longer counts', () => {
    const e = engine(temporal('temporal'));
    at(e, 'c', 0);
    at(e, 'a', M);
    expect(at(e, 'b', 5 * M)).toEqual([]); // c at 0 is out
    expect(at(e, 'c', 5 * M + 1)[0]?.correlation).toMatchObject({ windowStart: M });
  });

  it('keeps hosts apart', () => {
    const e = engine(temporal('temporal'));
    at(e, 'a', 0, 'h1');
    at(e, 'b', 1, 'h2');
    expect(at(e, 'c', 2, 'h1')).toEqual([]);
    expect(at(e, 'b', 3, 'h1')).toHaveLength(1);
  });

  it('a condition counts distinct rules (2 of 3)', () => {
    const e = engine(temporal('temporal', '  condition: {gte: 2}'));
    at(e, 'a', 0);
    at(e, 'a', 1);
    expect(at(e, 'c', 2)[0]?.correlation).toMatchObject({ count: 2, rules: ['id-a', 'id-c'] });
  });
});

describe('temporal_ordered', () => {
  it('fires only when the rules matched in the listed order', () => {
    const e = engine(temporal('temporal_ordered'));
    expect(at(e, 'b', 0)).toEqual([]);
    expect(at(e, 'c', 1)).toEqual([]);
    expect(at(e, 'a', 2)).toEqual([]); // b and c came before a: no sequence yet
    expect(at(e, 'c', 3)).toEqual([]); // c before b
    expect(at(e, 'b', 4)).toEqual([]);
    const d = at(e, 'c', 5);
    expect(d[0]?.correlation).toMatchObject({ type: 'temporal_ordered', count: 3, windowStart: 2, windowEnd: 5 });
  });

  it('the whole sequence must fit in the timespan, counted from its first event', () => {
    const e = engine(temporal('temporal_ordered'));
    at(e, 'a', 0);
    at(e, 'b', 4 * M);
    expect(at(e, 'c', 5 * M)).toEqual([]); // a at 0 is exactly one timespan ago: out
    at(e, 'a', 5 * M + 1);
    at(e, 'b', 5 * M + 2);
    expect(at(e, 'c', 10 * M)).toHaveLength(1); // from 5m+1 to 10m: inside
  });

  it('a later start replaces an earlier one so the sequence can still fit', () => {
    const e = engine(temporal('temporal_ordered'));
    at(e, 'a', 0);
    at(e, 'a', 3 * M);
    at(e, 'b', 4 * M);
    expect(at(e, 'c', 7 * M)[0]?.correlation).toMatchObject({ windowStart: 3 * M, windowEnd: 7 * M });
  });

  it('one event matching two steps does not complete two steps at once', () => {
    const e = engine(temporal('temporal_ordered'));
    at(e, 'a', 0);
    expect(e.observe(['id-b', 'id-c'], { Host: 'h' }, 1)).toEqual([]);
    expect(at(e, 'c', 2)).toHaveLength(1);
  });

  it('an event matching the first and second step starts and can be followed', () => {
    const e = engine(temporal('temporal_ordered'));
    e.observe(['id-a', 'id-b'], { Host: 'h' }, 0); // counts as a (b needs an earlier a)
    expect(at(e, 'c', 1)).toEqual([]);
    at(e, 'b', 2);
    expect(at(e, 'c', 3)).toHaveLength(1);
  });
});
