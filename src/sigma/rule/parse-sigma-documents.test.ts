import { describe, expect, it } from 'vitest';
import { parseSigmaDocuments } from './parse-sigma-documents.js';

const rule = `title: Test Rule
id: 11111111-2222-3333-4444-555555555555
name: test_rule
status: test
author: Alice, Bob
level: HIGH
tags:
    - attack.T1059
references:
    - https://example.org
logsource:
    product: Windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\cmd.exe'
    condition: selection
`;

describe('parseSigmaDocuments', () => {
  it('reads rule metadata (lower-cased tags, level and logsource)', () => {
    const out = parseSigmaDocuments(rule, 'rules/test.yml');
    expect(out.errors).toEqual([]);
    expect(out.rules[0]!.meta).toEqual({
      id: '11111111-2222-3333-4444-555555555555',
      name: 'test_rule',
      title: 'Test Rule',
      level: 'high',
      status: 'test',
      author: 'Alice, Bob',
      description: '',
      tags: ['attack.t1059'],
      references: ['https://example.org'],
      logsource: { product: 'windows', category: 'process_creation' },
      path: 'rules/test.yml',
    });
    expect(out.rules[0]!.line).toBe(1);
  });

  it('gives the whole document as plain data in raw, from both YAML readers, unless raw: false', () => {
    // The fast reader takes the usual layout; a flow map sends the same rule to the full parser.
    const viaFlowMap = rule.replace('status: test', 'status: test\nfields: {a: 1}');
    for (const text of [rule, viaFlowMap]) {
      const r = parseSigmaDocuments(text, 'r.yml').rules[0]!;
      expect(r.raw).toMatchObject({ title: 'Test Rule', level: 'HIGH', tags: ['attack.T1059'], detection: { selection: { 'Image|endswith': '\\cmd.exe' }, condition: 'selection' } });
    }
    expect(parseSigmaDocuments(viaFlowMap, 'r.yml').rules[0]!.raw.fields).toEqual({ a: 1 });
    const lean = parseSigmaDocuments(rule, 'r.yml', { raw: false }).rules[0]!;
    expect(lean.raw).toEqual({});
    expect(lean.meta).toEqual(parseSigmaDocuments(rule, 'r.yml').rules[0]!.meta);
  });

  it('sorts a multi-document file into rules, correlations and filters', () => {
    const text = `${rule}---
title: Many
correlation:
    type: event_count
    rules: [test_rule]
    group-by: [User]
    timespan: 5m
    condition:
        gte: 10
---
title: Filter admins
logsource:
    product: windows
filter:
    rules:
        - test_rule
    selection:
        User|startswith: adm_
    condition: selection
`;
    const out = parseSigmaDocuments(text, 'multi.yml');
    expect(out.errors).toEqual([]);
    expect(out.rules).toHaveLength(1);
    expect(out.correlations).toHaveLength(1);
    expect(out.correlations[0]!.line).toBe(19);
    expect((out.correlations[0]!.doc.correlation as { type: string }).type).toBe('event_count');
    expect(out.filters).toHaveLength(1);
    expect(out.filters[0]!.rules).toEqual(['test_rule']);
    expect([...out.filters[0]!.detection.searches.keys()]).toEqual(['selection']);
  });

  it('reports each bad document with line and column, and keeps loading the others', () => {
    const text = `title: no condition
id: bad-1
logsource:
    product: x
detection:
    sel:
        a: 1
---
title: bad condition
id: bad-2
logsource:
    product: x
detection:
    sel:
        a: 1
    condition: sel and nope
---
${rule}`;
    const out = parseSigmaDocuments(text, 'f.yml');
    expect(out.rules).toHaveLength(1);
    expect(out.errors).toEqual([
      { path: 'f.yml', line: 6, column: 5, ruleId: 'bad-1', message: '"detection" has no "condition"' },
      { path: 'f.yml', line: 16, column: 24, ruleId: 'bad-2', message: expect.stringMatching(/unknown search identifier "nope"/) },
    ]);
  });

  it('reports YAML syntax errors and documents of no known kind', () => {
    const bad = parseSigmaDocuments('title: x\ndetection: [unclosed\n', 'y.yml');
    expect(bad.errors[0]).toMatchObject({ path: 'y.yml', line: expect.any(Number), message: expect.stringMatching(/^YAML/) });
    const none = parseSigmaDocuments('title: x\nfoo: bar\n', 'z.yml');
    expect(none.errors[0]!.message).toMatch(/neither/);
    expect(parseSigmaDocuments('', 'empty.yml')).toEqual({ rules: [], correlations: [], filters: [], errors: [] });
  });

  it('parses lists of maps as OR and keyword lists', () => {
    const out = parseSigmaDocuments(
      'title: t\nlogsource:\n    product: x\ndetection:\n    sel:\n        - A: 1\n          B: 2\n        - C: 3\n    kw:\n        - foo\n        - bar\n    condition: sel or kw\n',
      'l.yml',
    );
    const sel = out.rules[0]!.detection.searches.get('sel')!;
    expect(sel.branches.map((b) => b.map((t) => t.field))).toEqual([['A', 'B'], ['C']]);
    const kw = out.rules[0]!.detection.searches.get('kw')!;
    expect(kw.branches).toHaveLength(1);
    expect(kw.branches[0]![0]!.field).toBeUndefined();
    expect(kw.branches[0]![0]!.tests).toHaveLength(2);
  });

  it('survives hostile nesting with an error instead of a crash', () => {
    const deep = 'title: t\nlogsource:\n    product: x\ndetection:\n    sel:\n        a: 1\n    condition: ' + 'not '.repeat(50_000) + 'sel\n';
    const out = parseSigmaDocuments(deep, 'deep.yml');
    expect(out.rules.length + out.errors.length).toBe(1);
    const nested = '[' .repeat(100_000);
    expect(parseSigmaDocuments(nested, 'n.yml').errors.length).toBeGreaterThan(0);
  });

  it('expands YAML aliases to their anchored node (they used to read as null)', () => {
    const text = `title: Aliased
logsource:
    product: windows
detection:
    first: &sel
        Image|endswith: '\\whoami.exe'
    second: *sel
    condition: second
`;
    const out = parseSigmaDocuments(text, 'alias.yml');
    expect(out.errors).toEqual([]);
    const second = out.rules[0]!.detection.searches.get('second')!;
    expect(second.branches[0]![0]!).toMatchObject({ field: 'Image' });
    expect(out.rules[0]!.raw).toMatchObject({ detection: { second: { 'Image|endswith': '\\whoami.exe' } } });
  });

  it('refuses a YAML alias bomb with an error instead of expanding it', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = `title: Bomb\nlogsource:\n    product: x\n${levels.join('\n')}\ndetection:\n    sel:\n        f: *i\n    condition: sel\n`;
    const started = Date.now();
    const out = parseSigmaDocuments(bomb, 'bomb.yml');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(out.rules).toEqual([]);
    expect(out.errors[0]?.message).toMatch(/alias expansions/);
  });
});
