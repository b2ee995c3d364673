import { describe, expect, it } from 'vitest';
import { parseSigmaDocuments } from '../rule/parse-sigma-documents.js';
import { compileRuleSet } from './compile-rule-set.js';

function load(text: string, placeholders?: Record<string, string[]>) {
  const parsed = parseSigmaDocuments(text, 'set.yml');
  expect(parsed.errors).toEqual([]);
  return compileRuleSet({ rules: parsed.rules, filters: parsed.filters, ...(placeholders ? { placeholders } : {}) });
}

const rules = `title: Proc cmd
id: proc-cmd
logsource:
    category: process_creation
    product: windows
detection:
    sel:
        Image|endswith: '\\cmd.exe'
    filter:
        User: SYSTEM
    condition: sel and not filter
level: high
---
title: Sysmon only
id: sysmon-any
logsource:
    product: windows
    service: sysmon
detection:
    sel:
        Image|endswith: '\\cmd.exe'
    condition: sel
---
title: Registry generic
id: reg-generic
logsource:
    product: windows
    category: registry_event
detection:
    sel:
        TargetObject|contains: '\\Run\\'
    condition: sel
`;

describe('compileRuleSet', () => {
  it('routes events to the rules of their logsource only', () => {
    const { ruleSet } = load(rules);
    expect(ruleSet.size).toBe(3);
    const fields = { Image: 'C:\\Windows\\System32\\cmd.exe', User: 'bob', TargetObject: 'HKLM\\Software\\Run\\x' };
    const ids = (logsource: object) => ruleSet.match({ fields, logsource }).map((m) => m.rule.id);
    expect(ids({ product: 'windows', service: 'sysmon', category: 'process_creation' })).toEqual(['proc-cmd', 'sysmon-any']);
    expect(ids({ product: 'windows', service: 'security', category: 'process_creation' })).toEqual(['proc-cmd']);
    expect(ids({ product: 'windows', category: 'process_creation' })).toEqual(['proc-cmd']);
    expect(ids({ product: 'linux', category: 'process_creation' })).toEqual([]);
    expect(ids({})).toEqual([]);
    // registry_event rules see the specific registry categories (alias).
    expect(ids({ product: 'windows', service: 'sysmon', category: 'registry_set' })).toEqual(['sysmon-any', 'reg-generic']);
  });

  it('reports which selections and fields matched, not the negated ones', () => {
    const { ruleSet } = load(rules);
    const [m] = ruleSet.match({ fields: { Image: 'x\\cmd.exe', User: 'bob' }, logsource: { product: 'windows', category: 'process_creation' } });
    expect(m).toEqual({ rule: expect.objectContaining({ id: 'proc-cmd', level: 'high' }), matched: [{ selection: 'sel', fields: ['Image'] }] });
    expect(ruleSet.match({ fields: { Image: 'x\\cmd.exe', User: 'system' }, logsource: { product: 'windows', category: 'process_creation' } })).toEqual([]);
  });

  it('applies meta-filters to the rules they name, by id or name', () => {
    const filter = `
---
title: Ignore admins
logsource:
    product: windows
filter:
    rules:
        - proc-cmd
        - sysmon_named
    adm:
        User|startswith: adm_
    condition: adm
---
title: Named
id: named-rule
name: sysmon_named
logsource:
    product: windows
detection:
    sel:
        Image|endswith: '\\cmd.exe'
    condition: sel
`;
    const { ruleSet } = load(rules + filter);
    const ls = { product: 'windows', service: 'sysmon', category: 'process_creation' };
    const ids = (user: string) => ruleSet.match({ fields: { Image: 'c:\\cmd.exe', User: user }, logsource: ls }).map((m) => m.rule.id);
    expect(ids('bob')).toEqual(['proc-cmd', 'sysmon-any', 'named-rule']);
    expect(ids('adm_bob')).toEqual(['sysmon-any']);
  });

  it('expands placeholders given at compile time', () => {
    const text = `title: P
id: p
logsource:
    product: windows
detection:
    sel:
        User|expand: '%admins%'
    condition: sel
`;
    const ls = { product: 'windows' };
    expect(load(text, { admins: ['root'] }).ruleSet.match({ fields: { User: 'bob' }, logsource: ls })).toEqual([]);
    expect(load(text, { admins: ['root'] }).ruleSet.match({ fields: { User: 'ROOT' }, logsource: ls })).toHaveLength(1);
  });

  it('finds candidates through every anchor kind (exact, basename, substring, regex literal, keyword)', () => {
    const text = ['F: exact', "F|endswith: '\\\\name.exe'", 'F|contains: mid', "F|re: 'ab+c[0-9]{2}xyz'", 'F|startswith: pre']
      .map((d, i) => `title: r${i}\nid: r${i}\nlogsource:\n    product: p\ndetection:\n    sel:\n        ${d}\n    condition: sel\n`)
      .join('---\n') + '---\ntitle: kw\nid: kw\nlogsource:\n    product: p\ndetection:\n    k:\n        - needle\n    condition: k\n';
    const { ruleSet } = load(text);
    const ids = (F: unknown) => ruleSet.match({ fields: { F }, logsource: { product: 'p' } }).map((m) => m.rule.id);
    expect(ids('EXACT')).toEqual(['r0']);
    expect(ids('c:\\dir\\NAME.exe')).toEqual(['r1']);
    expect(ids('xxMIDxx')).toEqual(['r2']);
    expect(ids('__abbbc42xyz')).toEqual(['r3']);
    expect(ids('prefix')).toEqual(['r4']);
    expect(ids('a Needle here')).toEqual(['kw']);
    expect(ids(['zzz', 'exact'])).toEqual(['r0']);
  });

  it('decides `contains` on a long value from the index scan as a rescan would', () => {
    // Seven anchors put an automaton on F; rule `all` anchors on one literal and needs two more,
    // which the automaton finds in the same pass.
    const anchors = ['aaa1', 'bbb2', 'ccc3', 'ddd4', 'eee5', 'fff6', 'ggg7']
      .map((w) => `title: ${w}\nid: ${w}\nlogsource:\n    product: p\ndetection:\n    sel:\n        F|contains: ${w}\n    condition: sel\n`)
      .join('---\n');
    const all = "title: all\nid: all\nlogsource:\n    product: p\ndetection:\n    sel:\n        F|contains|all: ['-encodedcommand', 'hidden', 'frombase64']\n    condition: sel\n";
    const { ruleSet } = load(anchors + '---\n' + all);
    const ids = (F: string) => ruleSet.match({ fields: { F }, logsource: { product: 'p' } }).map((m) => m.rule.id);
    const pad = ' '.repeat(80);
    expect(ids(`powershell -EncodedCommand x -w Hidden [Convert]::FromBase64String(y)${pad}`)).toEqual(['all']);
    expect(ids(`powershell -EncodedCommand x -w Hidden [Convert]::ToBase64String(y)${pad}`)).toEqual([]);
    expect(ids(`ccc3 -encodedcommand hidden frombase64${pad}`)).toEqual(['ccc3', 'all']);
    // Short values are rescanned rather than looked up: same answers.
    expect(ids('-encodedcommand hidden frombase64')).toEqual(['all']);
  });
  it('rejects long values of an automaton field by its anchors alone, and still finds every anchor', () => {
    // Eight `contains` anchors put an automaton on Hashes; the raw test sees only the anchors.
    const words = ['imphash=aa11', 'imphash=bb22', 'imphash=cc33', 'imphash=dd44', 'md5=ee55', 'md5=ff66', 'md5=kk77', 'md5=hh88'];
    const rules = words.map((w, i) => `title: h${i}\nid: h${i}\nlogsource:\n    product: p\ndetection:\n    sel:\n        Hashes|contains: '${w}'\n    condition: sel\n`).join('---\n');
    const { ruleSet } = load(rules);
    const ids = (Hashes: string) => ruleSet.match({ fields: { Hashes }, logsource: { product: 'p' } }).map((m) => m.rule.id);
    const sha = 'SHA1=' + 'AB'.repeat(20) + ',SHA256=' + 'CD'.repeat(32);
    expect(ids(`${sha},MD5=0123,IMPHASH=9999`)).toEqual([]);
    expect(ids(`${sha},MD5=FF66,IMPHASH=BB22`)).toEqual(['h1', 'h5']);
    // The Kelvin sign folds to `k`: the raw test lets non-ASCII text through to the fold.
    expect(ids(`${sha},MD5=\u212AK77`)).toEqual(['h6']);
    // A short value is never raw-tested.
    expect(ids('md5=hh88')).toEqual(['h7']);
    // Once most long values pass the raw test it is dropped: the answers stay the same.
    for (let i = 0; i < 600; i++) expect(ids(`${sha},imphash=aa11${i}`)).toEqual(['h0']);
    expect(ids(`${sha},MD5=0123,IMPHASH=DD44`)).toEqual(['h3']);
    expect(ids(`${sha},MD5=0123,IMPHASH=9999`)).toEqual([]);
  });

  it('finds substring anchors in long values whatever their case, non-ASCII folding included', () => {
    const { ruleSet } = load(`title: Trace
id: trace
logsource:
    product: windows
    category: process_access
detection:
    sel:
        CallTrace|contains: 'kernelbase.dll+'
    condition: sel
---
title: Exact
id: exact
logsource:
    product: windows
    category: process_access
detection:
    sel:
        CallTrace: 'UNKNOWN'
    condition: sel
`);
    const logsource = { product: 'windows', category: 'process_access' };
    const ids = (CallTrace: string) => ruleSet.match({ fields: { CallTrace }, logsource }).map((m) => m.rule.id);
    const pad = 'C:\\Windows\\SYSTEM32\\ntdll.dll+9d234|'.repeat(3);
    expect(ids(pad + 'C:\\Windows\\System32\\KERNELBASE.dll+2c13c|UNKNOWN(000)')).toEqual(['trace']);
    expect(ids(pad + 'C:\\Windows\\System32\\kernel32.dll+2c13c|UNKNOWN(000)')).toEqual([]);
    // The Kelvin sign lower-cases to an ASCII `k`: still a hit.
    expect(ids(pad + '\u212AERNELBASE.dll+2c13c')).toEqual(['trace']);
    expect(ids('unknown')).toEqual(['exact']);
    // Once most long values pass the raw test it is dropped: the answers stay the same.
    for (let i = 0; i < 600; i++) expect(ids(`${pad}kernelbase.dll+${i}`)).toEqual(['trace']);
    expect(ids(pad + 'C:\\Windows\\System32\\KERNELBASE.dll+2c13c')).toEqual(['trace']);
    expect(ids(pad + 'C:\\Windows\\System32\\kernel32.dll+2c13c')).toEqual([]);
    expect(ids('UNKNOWN')).toEqual(['exact']);
  });
});
