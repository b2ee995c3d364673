import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ManualClock } from '../../shared/clock.js';
import type { RuleMeta } from '../sigma-types.js';
import { CorrelationEngine } from './correlation-engine.js';
import type { CorrelationRule } from './correlation-rule.js';
import { linkCorrelations } from './link-correlations.js';
import { parseCorrelation } from './parse-correlation.js';

function ruleMeta(id: string, name?: string): RuleMeta {
  return { id, ...(name ? { name } : {}), title: id, level: 'low', status: 'test', author: 'a', description: '', tags: [], references: [], logsource: {} };
}
const rules = [
  ruleMeta('53ba33fd-3a50-4468-a5ef-c583635cfa92', 'failed_login'),
  ruleMeta('4d0a2c83-c62c-4ed4-b475-c7e23a9269b8', 'successful_login'),
  ruleMeta('id-internal-error', 'internal_error'),
  ruleMeta('id-new-conn', 'new_network_connection'),
  ruleMeta('id-plain'),
];

function correlations(text: string): CorrelationRule[] {
  return parseAllDocuments(text).map((d, i) => {
    const r = parseCorrelation({ doc: d.toJS() as Record<string, unknown>, path: 'mr.yml', line: i * 10 + 1 });
    if ('message' in r) throw new Error(r.message);
    return r;
  });
}

// The specification's example: event_count chained into temporal_ordered.
const bruteForce = `
title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
author: Florian Roth (Nextron Systems)
level: high
correlation:
  type: temporal_ordered
  rules: [multiple_failed_login, successful_login]
  group-by: [User]
  timespan: 10m
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [User]
  timespan: 10m
  condition: {gte: 10}
`;

describe('linkCorrelations', () => {
  it('resolves names and ids, orders chained correlations inputs first, suppresses referenced rules', () => {
    const links = linkCorrelations(correlations(bruteForce), rules);
    expect(links.errors).toEqual([]);
    expect(links.ordered.map((l) => l.key)).toEqual(['a8418a5a-5fc4-46b5-b23b-6c73beb19d41', 'b180ead8-d58f-40b2-ae54-c8940995b9b6']);
    expect(links.ordered[1]?.sources).toEqual(['a8418a5a-5fc4-46b5-b23b-6c73beb19d41', '4d0a2c83-c62c-4ed4-b475-c7e23a9269b8']);
    expect([...links.suppressed].sort()).toEqual([
      '4d0a2c83-c62c-4ed4-b475-c7e23a9269b8',
      '53ba33fd-3a50-4468-a5ef-c583635cfa92',
      'a8418a5a-5fc4-46b5-b23b-6c73beb19d41',
    ]);
  });

  it('generate: true keeps the referenced rules emitting', () => {
    const links = linkCorrelations(correlations(`
title: t
generate: true
correlation: {type: event_count, rules: [failed_login, id-plain], timespan: 1m, condition: {gte: 2}}`), rules);
    expect(links.suppressed.size).toBe(0);
  });

  it('one referencing correlation with generate: true is enough', () => {
    const links = linkCorrelations(correlations(`
title: t1
correlation: {type: event_count, rules: [failed_login, id-plain], timespan: 1m, condition: {gte: 2}}
---
title: t2
generate: true
correlation: {type: event_count, rules: [failed_login], timespan: 1m, condition: {gte: 2}}`), rules);
    expect([...links.suppressed]).toEqual(['id-plain']);
  });

  it('reports unknown references and what depends on them', () => {
    const links = linkCorrelations(correlations(`
title: outer
id: outer
correlation: {type: temporal, rules: [inner, successful_login], timespan: 1m}
---
title: inner
id: inner
correlation: {type: event_count, rules: [no_such_rule], timespan: 1m, condition: {gte: 2}}`), rules);
    expect(links.ordered).toEqual([]);
    expect(links.errors).toEqual([
      { path: 'mr.yml', line: 11, ruleId: 'inner', message: "correlation.rules[0]: 'no_such_rule' matches no loaded rule or correlation id or name" },
      { path: 'mr.yml', line: 1, ruleId: 'outer', message: "correlation.rules[0]: 'inner' refers to a correlation that failed to load" },
    ]);
  });

  it('reports reference cycles', () => {
    const links = linkCorrelations(correlations(`
title: x
id: x
correlation: {type: temporal, rules: [y, failed_login], timespan: 1m}
---
title: y
id: y
correlation: {type: temporal, rules: [x, failed_login], timespan: 1m}
---
title: z
id: z
correlation: {type: temporal, rules: [failed_login, successful_login], timespan: 1m}`), rules);
    expect(links.ordered.map((l) => l.key)).toEqual(['z']);
    expect(links.errors.map((e) => [e.ruleId, e.message])).toEqual([
      ['x', 'correlation.rules: reference cycle between correlations'],
      ['y', 'correlation.rules: reference cycle between correlations'],
    ]);
  });

  it('reports a correlation id that clashes with a rule or another correlation', () => {
    const links = linkCorrelations(correlations(`
title: a
id: id-plain
correlation: {type: temporal, rules: [failed_login], timespan: 1m}
---
title: b
id: dup
correlation: {type: temporal, rules: [failed_login], timespan: 1m}
---
title: c
id: dup
correlation: {type: temporal, rules: [failed_login], timespan: 1m}`), rules);
    expect(links.ordered.map((l) => l.rule.meta.title)).toEqual(['b']);
    expect(links.errors.map((e) => e.message)).toEqual([
      "correlation id or name 'id-plain' is already used by another rule or correlation",
      "correlation id or name 'dup' is already used by another rule or correlation",
    ]);
  });

  it('reports an alias naming a rule the correlation does not reference', () => {
    const links = linkCorrelations(correlations(`
title: a
correlation:
  type: temporal
  rules: [failed_login]
  group-by: [ip]
  timespan: 1m
  aliases: {ip: {successful_login: IpAddress}}`), rules);
    expect(links.errors[0]?.message).toBe("correlation.aliases.ip.successful_login: 'successful_login' is not one of correlation.rules");
  });
});

describe('chaining and aliases in the engine', () => {
  it('the specification example: 10 failed logins then a success for the same user, within 10 minutes', () => {
    const e = new CorrelationEngine({ correlations: correlations(bruteForce), rules, clock: new ManualClock(0) });
    expect(e.errors).toEqual([]);
    const failed = (user: string, t: number) => e.observe(['53ba33fd-3a50-4468-a5ef-c583635cfa92'], { User: user, Host: 'dc1' }, t);
    const ok = (user: string, t: number) => e.observe(['4d0a2c83-c62c-4ed4-b475-c7e23a9269b8'], { User: user }, t);

    expect(ok('alice', 0)).toEqual([]); // success first: no sequence
    for (let i = 0; i < 9; i++) expect(failed('alice', 1000 + i)).toEqual([]);
    for (let i = 0; i < 10; i++) expect(failed('bob', 2000 + i)).toEqual([]); // inner fires silently (generate: false)
    expect(failed('alice', 3000)).toEqual([]); // the 10th: inner fires, outer has its first step
    const d = ok('alice', 3000 + 10 * 60_000 - 1);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      kind: 'correlation',
      rule: { id: 'b180ead8-d58f-40b2-ae54-c8940995b9b6', level: 'high', author: 'Florian Roth (Nextron Systems)' },
      correlation: {
        type: 'temporal_ordered',
        groupBy: { User: 'alice' },
        rules: ['a8418a5a-5fc4-46b5-b23b-6c73beb19d41', '4d0a2c83-c62c-4ed4-b475-c7e23a9269b8'],
        windowStart: 3000,
      },
    });
    expect(ok('bob', 2009 + 10 * 60_000)).toEqual([]); // exactly 10 minutes after bob's burst: too late
  });

  it('a chained correlation can group by fields of the event that completed the inner one', () => {
    const e = new CorrelationEngine({
      correlations: correlations(`
title: users brute-forced on one host
id: outer
correlation: {type: event_count, rules: [inner], group-by: [Host], timespan: 1h, condition: {gte: 2}}
---
title: one user brute-forced
id: inner
correlation: {type: event_count, rules: [failed_login], group-by: [User], timespan: 1h, condition: {gte: 2}}`),
      rules,
    });
    expect(e.errors).toEqual([]);
    const failed = (User: string, Host: string, t: number) => e.observe(['53ba33fd-3a50-4468-a5ef-c583635cfa92'], { User, Host }, t);
    failed('alice', 'h1', 0);
    expect(failed('alice', 'h1', 1)).toEqual([]); // inner fires, suppressed: it only feeds outer
    failed('bob', 'h2', 2);
    expect(failed('bob', 'h2', 3)).toEqual([]); // another host
    failed('carol', 'h1', 4);
    const d = failed('carol', 'h1', 5);
    expect(d.map((x) => [x.rule.id, x.correlation?.groupBy, x.correlation?.rules])).toEqual([['outer', { Host: 'h1' }, ['inner']]]);
  });

  it('aliases group events by different fields per rule (spec example)', () => {
    const e = new CorrelationEngine({
      correlations: correlations(`
title: error then connection
id: alias-1
correlation:
  type: temporal
  rules: [internal_error, new_network_connection]
  group-by: [internal_ip, remote_ip]
  timespan: 10s
  aliases:
    internal_ip: {internal_error: destination.ip, new_network_connection: source.ip}
    remote_ip: {internal_error: source.ip, new_network_connection: destination.ip}`),
      rules,
      clock: new ManualClock(0),
    });
    expect(e.errors).toEqual([]);
    const err = { destination: { ip: '10.0.0.5' }, source: { ip: '203.0.113.9' } };
    expect(e.observe(['id-internal-error'], err, 0)).toEqual([]);
    // same addresses but in the same roles, not swapped: a different group
    expect(e.observe(['id-new-conn'], err, 1)).toEqual([]);
    const d = e.observe(['id-new-conn'], { 'source.ip': '10.0.0.5', 'destination.ip': '203.0.113.9' }, 2);
    expect(d[0]?.correlation?.groupBy).toEqual({ internal_ip: '10.0.0.5', remote_ip: '203.0.113.9' });
  });

  it('an alias may name the rule by id when rules lists it by id', () => {
    const e = new CorrelationEngine({
      correlations: correlations(`
title: t
correlation:
  type: event_count
  rules: [id-internal-error, new_network_connection]
  group-by: [ip]
  timespan: 10s
  condition: {gte: 2}
  aliases: {ip: {internal_error: a, id-new-conn: b}}`),
      rules,
    });
    expect(e.errors).toEqual([]);
    e.observe(['id-internal-error'], { a: 'x' }, 0);
    expect(e.observe(['id-new-conn'], { b: 'x' }, 1)).toHaveLength(1);
  });
});
