import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SigmaLoadError } from '../sigma-types.js';
import type { CorrelationRule } from './correlation-rule.js';
import { parseCorrelation } from './parse-correlation.js';

const specDir = fileURLToPath(
  new URL('../../../../shared/reference/sigma-specification/tests/schema/correlation/', import.meta.url),
);

function parseYaml(text: string, line?: number): CorrelationRule | SigmaLoadError {
  return parseCorrelation({ doc: parse(text) as Record<string, unknown>, path: 'rules/mr_test.yml', ...(line ? { line } : {}) });
}

function ok(text: string): CorrelationRule {
  const r = parseYaml(text);
  if ('message' in r) throw new Error(`unexpected error: ${r.message}`);
  return r;
}

function err(text: string): SigmaLoadError {
  const r = parseYaml(text, 7);
  if (!('message' in r)) throw new Error('expected an error');
  return r;
}

const base = `
title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [User]
  timespan: 1h
  condition: {gte: 10}
`;

describe('parseCorrelation: the specification examples', () => {
  const files = existsSync(specDir) ? readdirSync(specDir).filter((f) => f.endsWith('.yml')) : [];
  if (files.length === 0) console.log(`skipping spec examples: ${specDir} is absent`);
  it.skipIf(files.length === 0)('loads every example of tests/schema/correlation', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const doc = parse(readFileSync(specDir + f, 'utf8')) as Record<string, unknown>;
      const r = parseCorrelation({ doc, path: f });
      expect('message' in r ? r.message : '', f).toBe('');
      if ('message' in r) continue;
      expect(r.type, f).toBe((doc.correlation as { type: string }).type);
      expect(r.timespanMs, f).toBeGreaterThan(0);
    }
  });

  it('reads value_percentile with its field and bound', () => {
    const r = ok(`
title: rare process
correlation:
  type: value_percentile
  rules: [process_creation]
  group-by: [ComputerName]
  timespan: 24h
  condition: {field: Image, lte: 1}
`);
    expect(r).toMatchObject({ type: 'value_percentile', fields: ['Image'], condition: { lte: 1 }, timespanMs: 86_400_000 });
  });
});

describe('parseCorrelation: meta and defaults', () => {
  it('carries meta for alerts; generate defaults to false', () => {
    const r = ok(`${base}
name: many_failed
level: high
status: test
author: Florian Roth
tags: [attack.t1110]
references: [https://example.org]
`);
    expect(r.meta).toMatchObject({
      id: '0e95725d-7320-415d-80f7-004da920fc11',
      name: 'many_failed',
      title: 'Many failed logins',
      level: 'high',
      status: 'test',
      author: 'Florian Roth',
      tags: ['attack.t1110'],
      references: ['https://example.org'],
      path: 'rules/mr_test.yml',
    });
    expect(r.generate).toBe(false);
    expect(r).toMatchObject({ rules: ['failed_login'], groupBy: ['User'], timespanMs: 3_600_000, condition: { gte: 10 } });
  });

  it('a temporal correlation without condition requires all its rules', () => {
    const r = ok(`
title: recon
correlation: {type: temporal, rules: [a, b, c], group-by: [Host], timespan: 5m}
`);
    expect(r.condition).toEqual({ gte: 3 });
  });

  it('group-by is optional (one global group), generate true is kept', () => {
    const r = ok(`
title: t
generate: true
correlation: {type: event_count, rules: [a], timespan: 5m, condition: {gt: 2, lte: 9}}
`);
    expect(r.groupBy).toEqual([]);
    expect(r.generate).toBe(true);
    expect(r.condition).toEqual({ gt: 2, lte: 9 });
  });

  it('value_count accepts several fields (linked by AND)', () => {
    const r = ok(`
title: t
correlation: {type: value_count, rules: [a], timespan: 1d, condition: {field: [User, Domain], gte: 3}}
`);
    expect(r.fields).toEqual(['User', 'Domain']);
  });

  it('falls back to name, then to path#line, when there is no id', () => {
    expect(ok(`title: t\nname: nm\ncorrelation: {type: temporal, rules: [a], timespan: 5m}`).meta.id).toBe('nm');
    const r = parseCorrelation({ doc: parse(`title: t\ncorrelation: {type: temporal, rules: [a], timespan: 5m}`), path: 'x.yml', line: 12 });
    expect('meta' in r && r.meta.id).toBe('x.yml#12');
  });
});

describe('parseCorrelation: precise errors', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown type', base.replace('event_count', 'event_sum'), /correlation\.type: unknown type string "event_sum"/],
    ['missing type', base.replace('  type: event_count\n', ''), /correlation\.type is required/],
    ['missing rules', base.replace('  rules: [failed_login]\n', ''), /correlation\.rules is required/],
    ['empty rules', base.replace('[failed_login]', '[]'), /correlation\.rules must not be empty/],
    ['rules not a list', base.replace('[failed_login]', 'failed_login'), /correlation\.rules must be a list of strings, got string/],
    ['duplicate rule', base.replace('[failed_login]', '[a, a]'), /correlation\.rules\[1\]: 'a' is listed twice/],
    ['missing timespan', base.replace('  timespan: 1h\n', ''), /correlation\.timespan is required/],
    ['bad timespan', base.replace('1h', '1 hour'), /correlation\.timespan: '1 hour' is not a timespan/],
    ['upper-case unit', base.replace('1h', '1H'), /correlation\.timespan: '1H' has unknown unit/],
    ['missing condition', base.replace('  condition: {gte: 10}\n', ''), /correlation\.condition is required for event_count/],
    ['bad operator', base.replace('gte: 10', 'ge: 10'), /unknown operator 'ge'/],
    ['non-numeric bound', base.replace('gte: 10', 'gte: ten'), /correlation\.condition\.gte must be a number, got string "ten"/],
    ['no bound', base.replace('{gte: 10}', '{field: User}'), /needs at least one of gt, gte/],
    ['condition not a map', base.replace('{gte: 10}', '10'), /correlation\.condition must be a map/],
    ['group-by not a list', base.replace('[User]', 'User'), /correlation\.group-by must be a list of strings/],
    ['no title', base.replace('title: Many failed logins\n', ''), /'title' is required/],
    ['correlation not a map', 'title: t\ncorrelation: [a]', /'correlation' must be a map, got a list/],
    ['bad generate', `${base}generate: yes please`, /'generate' must be true or false/],
    ['alias not a map', base.replace('  group-by', '  aliases: {ip: 5}\n  group-by'), /correlation\.aliases\.ip must map rule names to field names/],
  ];
  it.each(cases)('%s', (_name, text, msg) => {
    const e = err(text);
    expect(e.message).toMatch(msg);
    expect(e.path).toBe('rules/mr_test.yml');
    expect(e.line).toBe(7);
  });

  it.each(['value_count', 'value_sum', 'value_avg', 'value_percentile'])('%s needs condition.field', (type) => {
    expect(err(base.replace('event_count', type)).message).toMatch(`correlation.condition.field is required for ${type}`);
  });

  it('names the rule id in the error', () => {
    expect(err(base.replace('1h', '1x')).ruleId).toBe('0e95725d-7320-415d-80f7-004da920fc11');
  });
});

describe('parseCorrelation: never throws on odd YAML', () => {
  it('every key of a valid document replaced by every kind of value gives a rule or an error', () => {
    const odd: unknown[] = [null, 0, -1, 1.5, '', 'x', true, [], [null], [{}], {}, { a: [] }];
    const doc = parse(base) as Record<string, unknown>;
    const corr = doc.correlation as Record<string, unknown>;
    let errors = 0;
    for (const key of [...Object.keys(doc), 'generate', 'level', 'tags', 'name']) {
      for (const v of odd) {
        const r = parseCorrelation({ doc: { ...doc, [key]: v }, path: 'p.yml' });
        if ('message' in r) errors++;
      }
    }
    for (const key of [...Object.keys(corr), 'aliases', 'field']) {
      for (const v of odd) {
        const c = { ...corr, [key]: v, condition: key === 'field' ? { gte: 1, field: v } : key === 'condition' ? v : corr.condition };
        const r = parseCorrelation({ doc: { ...doc, correlation: c }, path: 'p.yml' });
        if ('message' in r) errors++;
        else expect(r.timespanMs).toBeGreaterThan(0);
      }
    }
    expect(errors).toBeGreaterThan(50);
  });
});
