import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RuleMeta } from '../sigma-types.js';
import { CorrelationEngine } from './correlation-engine.js';
import { parseCorrelation } from './parse-correlation.js';

// Real logs are only roughly ordered (Security-Datasets has events a few ms out of order).
const rules: RuleMeta[] = ['a', 'b'].map((n) => ({ id: `id-${n}`, name: n, title: n, level: 'low', status: 'test', author: 'x', description: '', tags: [], references: [], logsource: {} }));

function engine(correlation: string): CorrelationEngine {
  const r = parseCorrelation({ doc: parse(`title: t\ncorrelation: ${correlation}`) as Record<string, unknown>, path: 't.yml' });
  if ('message' in r) throw new Error(r.message);
  const e = new CorrelationEngine({ correlations: [r], rules });
  expect(e.errors).toEqual([]);
  return e;
}
const S = 1000;

describe('late events', () => {
  it('event_count: a late event inside the window counts, one older than the window is ignored', () => {
    const e = engine('{type: event_count, rules: [a], group-by: [H], timespan: 1m, condition: {gte: 3}}');
    const at = (t: number) => e.observe(['id-a'], { H: 'h' }, t);
    at(0);
    at(70 * S); // the window now ends at 70 s: the event at 0 is out
    expect(at(5 * S)).toEqual([]); // older than 70 s - 1 min: ignored
    expect(at(20 * S)).toEqual([]); // late but inside: 20 s, 70 s
    const d = at(30 * S);
    expect(d[0]?.correlation).toMatchObject({ count: 3, windowStart: 20 * S, windowEnd: 70 * S });
  });

  it('value_count: a late value expires by its own time', () => {
    const e = engine('{type: value_count, rules: [a], group-by: [H], timespan: 1m, condition: {field: U, gte: 4}}');
    const at = (U: string, t: number) => e.observe(['id-a'], { H: 'h', U }, t);
    at('a', 0);
    at('b', 50 * S);
    expect(at('c', 5 * S)).toEqual([]); // late, inside the window: a, b, c
    expect(at('d', 66 * S)).toEqual([]); // a (0) and c (5 s) are out: b, d
    expect(at('e', 67 * S)).toEqual([]); // b, d, e
    expect(at('f', 68 * S)[0]?.correlation).toMatchObject({ count: 4, windowStart: 50 * S, windowEnd: 68 * S });
  });

  it('temporal_ordered: order is by event time, not arrival', () => {
    const e = engine('{type: temporal_ordered, rules: [a, b], group-by: [H], timespan: 1m}');
    e.observe(['id-a'], { H: 'h' }, 10 * S);
    expect(e.observe(['id-b'], { H: 'h' }, 5 * S)).toEqual([]); // arrived after a, happened before it
    expect(e.observe(['id-b'], { H: 'h' }, 12 * S)).toHaveLength(1);
  });

  it('temporal: a late match does not move a rule back in time', () => {
    const e = engine('{type: temporal, rules: [a, b], group-by: [H], timespan: 1m}');
    e.observe(['id-a'], { H: 'h' }, 30 * S);
    e.observe(['id-a'], { H: 'h' }, 0); // late repeat: a stays at 30 s
    expect(e.observe(['id-b'], { H: 'h' }, 80 * S)[0]?.correlation).toMatchObject({ windowStart: 30 * S });
  });
});
