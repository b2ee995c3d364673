import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ManualClock } from '../shared/clock.js';
import type { RawCorrelation } from './rule/sigma-rule.js';
import { Detector, type DetectorRuleSet } from './detector.js';
import type { RuleMeta, SigmaEvent, SigmaMatch } from './sigma-types.js';

/** A tiny stand-in for the compiled RuleSet: each rule matches a set of EventIDs. */
function fakeRuleSet(defs: { id: string; name?: string; eventIds: number[] }[]): DetectorRuleSet {
  const metas = defs.map((d): RuleMeta => ({
    id: d.id,
    ...(d.name ? { name: d.name } : {}),
    title: `rule ${d.id}`,
    level: 'low',
    status: 'test',
    author: 'Rule Author',
    description: '',
    tags: [],
    references: [],
    logsource: { product: 'windows', service: 'security' },
  }));
  return {
    rules: () => metas,
    match: (e: SigmaEvent): SigmaMatch[] =>
      defs.flatMap((d, i) => (d.eventIds.includes(Number(e.fields.EventID)) ? [{ rule: metas[i] as RuleMeta, matched: [{ selection: 'selection', fields: ['EventID'] }] }] : [])),
  };
}

const ruleSet = fakeRuleSet([
  { id: 'r-failed', name: 'failed_login', eventIds: [529, 4625] },
  { id: 'r-ok', name: 'successful_login', eventIds: [528, 4624] },
  { id: 'r-other', eventIds: [4688] },
]);

function docs(text: string): RawCorrelation[] {
  return parseAllDocuments(text).map((d, i) => ({ doc: d.toJS() as Record<string, unknown>, path: 'mr_test.yml', line: i + 1 }));
}

const ev = (EventID: number, User = 'alice'): SigmaEvent => ({ fields: { EventID, User }, logsource: { product: 'windows', service: 'security' } });

const threeFailures = (generate = '') => `
title: three failures
id: c-3
level: medium
author: Correlation Author
tags: [attack.t1110]
${generate}
correlation: {type: event_count, rules: [failed_login], group-by: [User], timespan: 5m, condition: {gte: 3}}`;

describe('Detector', () => {
  it('without correlations returns every rule match as a rule detection', () => {
    const d = new Detector({ ruleSet });
    expect(d.errors).toEqual([]);
    expect(d.process(ev(4625))).toEqual([
      { rule: expect.objectContaining({ id: 'r-failed', author: 'Rule Author' }), matched: [{ selection: 'selection', fields: ['EventID'] }], kind: 'rule' },
    ]);
    expect(d.process(ev(1))).toEqual([]);
    expect(d.flush()).toEqual([]);
  });

  it('by default (generate: false) rules referenced by a correlation only feed it', () => {
    const d = new Detector({ ruleSet, correlations: docs(threeFailures()) });
    expect(d.errors).toEqual([]);
    expect(d.process(ev(4625), 0)).toEqual([]);
    expect(d.process(ev(4688), 1).map((x) => x.rule.id)).toEqual(['r-other']); // not referenced: still emits
    expect(d.process(ev(4625), 2)).toEqual([]);
    const out = d.process(ev(529), 3);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      kind: 'correlation',
      rule: { id: 'c-3', title: 'three failures', level: 'medium', author: 'Correlation Author', tags: ['attack.t1110'] },
      correlation: { type: 'event_count', groupBy: { User: 'alice' }, count: 3, rules: ['r-failed'], windowStart: 0, windowEnd: 3 },
    });
  });

  it('generate: true keeps the base rule detections, followed by the correlation', () => {
    const d = new Detector({ ruleSet, correlations: docs(threeFailures('generate: true')) });
    expect(d.process(ev(4625), 0).map((x) => x.kind)).toEqual(['rule']);
    expect(d.process(ev(4625), 1).map((x) => x.kind)).toEqual(['rule']);
    expect(d.process(ev(4625), 2).map((x) => `${x.kind}:${x.rule.id}`)).toEqual(['rule:r-failed', 'correlation:c-3']);
  });

  it('uses the clock when no event time is given', () => {
    const clock = new ManualClock(1_000_000);
    const d = new Detector({ ruleSet, correlations: docs(threeFailures()), clock });
    d.process(ev(4625));
    clock.advance(5 * 60_000);
    d.process(ev(4625)); // first one is now exactly 5 minutes old: out
    d.process(ev(4625), Number.NaN); // an unparsable event time falls back to the clock too
    expect(d.process(ev(4625)).map((x) => x.correlation?.windowStart)).toEqual([1_000_000 + 5 * 60_000]);
  });

  it('collects parse and link errors of correlations and keeps the valid ones', () => {
    const d = new Detector({
      ruleSet,
      correlations: docs(`${threeFailures()}
---
title: broken
id: c-bad
correlation: {type: event_count, rules: [failed_login], timespan: 5 minutes, condition: {gte: 3}}
---
title: orphan
id: c-orphan
correlation: {type: temporal, rules: [failed_login, nope], timespan: 5m}`),
    });
    expect(d.errors.map((e) => [e.ruleId, e.line])).toEqual([
      ['c-bad', 2],
      ['c-orphan', 3],
    ]);
    expect(d.errors[0]?.message).toMatch(/correlation\.timespan: '5 minutes' is not a timespan/);
    expect(d.correlations().map((m) => m.id)).toEqual(['c-3']);
  });

  it('flush evaluates windows decided on close; stats show the state', () => {
    const d = new Detector({
      ruleSet,
      correlations: docs(`
title: a single success
id: c-single
correlation: {type: event_count, rules: [successful_login], group-by: [User], timespan: 1h, condition: {eq: 1}}`),
    });
    d.process(ev(4624, 'alice'), 0);
    d.process(ev(4624, 'bob'), 0);
    d.process(ev(4624, 'bob'), 1);
    expect(d.stats().groups).toBe(2);
    expect(d.flush().map((x) => x.correlation?.groupBy)).toEqual([{ User: 'alice' }]);
    expect(d.stats().groups).toBe(0);
  });

  it('advance closes finished windows without an event', () => {
    const d = new Detector({
      ruleSet,
      correlations: docs(`
title: a single success
id: c-single
correlation: {type: event_count, rules: [successful_login], group-by: [User], timespan: 1h, condition: {eq: 1}}`),
    });
    d.process(ev(4624, 'alice'), 0);
    expect(d.advance(3_600_000 - 1)).toEqual([]);
    expect(d.advance(3_600_000)).toHaveLength(1);
  });
});
