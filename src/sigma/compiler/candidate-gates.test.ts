import { describe, expect, it } from 'vitest';
import { compileTestRules } from './compile-test-rules.js';
import { EventView } from './event-view.js';
import { RuleBucket } from './rule-bucket.js';
import { ruleClauses } from './rule-clauses.js';

const compiled = (text: string) => compileTestRules(text, 'gates.yml');

const rule = (id: string, detection: string) => `title: ${id}
id: ${id}
logsource:
    category: process_access
    product: windows
detection:
${detection}
`;

// Anchored on the call trace (the index takes the `contains` over the short flag value); the
// GrantedAccess values are the other necessary condition.
const injection = rule(
  'injection',
  `    selection:
        CallTrace|contains: '|C:\\Windows\\System32\\KERNELBASE.dll+'
        GrantedAccess:
            - '0x1028'
            - '0x1fffff'
    condition: selection`,
);
const either = rule(
  'either',
  `    selection_target:
        TargetImage|endswith: '\\sysmon.exe'
        GrantedAccess: '0x1400'
    selection_trace:
        CallTrace: 'Ente'
    filter:
        SourceImage|startswith: 'C:\\Program Files\\'
    condition: (selection_target and not filter) or selection_trace`,
);

describe('ruleClauses', () => {
  it('keeps every entry of an and as a clause and nothing under not', () => {
    const [r] = compiled(injection);
    expect(ruleClauses(r!.detection)).toEqual([
      [{ field: 'CallTrace', dash: false, kind: 'sub', text: '|c:\\windows\\system32\\kernelbase.dll+' }],
      [
        { field: 'GrantedAccess', dash: false, kind: 'eq', text: '0x1028' },
        { field: 'GrantedAccess', dash: false, kind: 'eq', text: '0x1fffff' },
      ],
    ]);
  });

  it('joins one clause of each side of an or', () => {
    const [r] = compiled(either);
    const trace = { field: 'CallTrace', dash: false, kind: 'eq', text: 'ente' };
    expect(ruleClauses(r!.detection)).toEqual([
      [{ field: 'TargetImage', dash: false, kind: 'end', text: '\\sysmon.exe' }, trace],
      [{ field: 'GrantedAccess', dash: false, kind: 'eq', text: '0x1400' }, trace],
    ]);
  });

  it('reads null and exists as tests of presence', () => {
    const [r] = compiled(
      rule(
        'presence',
        `    empty:
        Description: ''
    missing:
        Description: null
    other:
        Company|exists: false
        Product|exists: true
    condition: 1 of them`,
      ),
    );
    const d = (kind: string, text = '') => ({ field: 'Description', dash: false, kind, text });
    expect(ruleClauses(r!.detection)).toEqual([
      [d('eq'), d('null'), { field: 'Company', dash: false, kind: 'absent', text: '' }],
      [d('eq'), d('null'), { field: 'Product', dash: false, kind: 'present', text: '' }],
    ]);
  });

  it('gives no clause for cased values, neq entries, keywords or an or with an open side', () => {
    const [r] = compiled(
      rule(
        'none',
        `    a:
        CommandLine|cased: 'X'
    b:
        User|neq: 'bob'
    c:
        - 'mimikatz'
    d:
        Image|endswith: '\\x.exe'
    condition: a or b or c or (d and not a) or 1 of them`,
      ),
    );
    expect(ruleClauses(r!.detection)).toEqual([]);
  });
});

describe('candidate gates', () => {
  const call = '|C:\\Windows\\System32\\KERNELBASE.dll+1234|UNKNOWN(0000000000000000)';
  const miss = { CallTrace: call, GrantedAccess: '0x1410', TargetImage: 'C:\\x\\lsass.exe' };
  const hit = { CallTrace: call, GrantedAccess: '0x1FFFFF', TargetImage: 'C:\\x\\lsass.exe' };

  function ids(bucket: RuleBucket, view: EventView, fields: Record<string, unknown>): string[] {
    view.reset(fields);
    return bucket.candidates(view).map((r) => r.meta.id);
  }

  it('gates a rule whose anchor fires often on the clause that held least in its trial', () => {
    const rules = compiled(injection);
    const bucket = new RuleBucket(rules, new Map(), { trial: 4, period: 1000 });
    const view = new EventView();
    // During the trial every clause is checked, so a failing one already drops the candidate.
    for (let k = 0; k < 4; k++) expect(ids(bucket, view, miss)).toEqual([]);
    expect(bucket.gates.chosenClause(0)).toEqual([
      { field: 'GrantedAccess', dash: false, kind: 'eq', text: '0x1028' },
      { field: 'GrantedAccess', dash: false, kind: 'eq', text: '0x1fffff' },
    ]);
    expect(ids(bucket, view, miss)).toEqual([]);
    expect(ids(bucket, view, hit)).toEqual(['injection']);
    expect(rules[0]!.matches(view)).toBe(true);
  });

  it('keeps no gate when every clause held on most of the trial', () => {
    const rules = compiled(injection);
    const bucket = new RuleBucket(rules, new Map(), { trial: 4, period: 1000 });
    const view = new EventView();
    for (let k = 0; k < 3; k++) expect(ids(bucket, view, hit)).toEqual(['injection']);
    expect(ids(bucket, view, miss)).toEqual([]);
    expect(bucket.gates.chosenClause(0)).toBeUndefined();
    expect(ids(bucket, view, miss)).toEqual(['injection']);
  });

  it('chooses on an explicit replan, and again in the next period', () => {
    const rules = compiled(injection);
    // Re-anchoring would take the rule off the misses, and so change the count of candidacies.
    const bucket = new RuleBucket(rules, new Map(), { trial: 100, period: 104, reanchor: false });
    const view = new EventView();
    expect(ids(bucket, view, miss)).toEqual([]);
    expect(ids(bucket, view, hit)).toEqual(['injection']);
    expect(bucket.gates.chosenClause(0)).toBeUndefined();
    // The flags held once in two candidacies (the call trace twice): they gate from now on.
    bucket.gates.replan();
    expect(bucket.gates.chosenClause(0)?.[0]?.field).toBe('GrantedAccess');
    expect(ids(bucket, view, miss)).toEqual([]);
    expect(ids(bucket, view, hit)).toEqual(['injection']);
    // The replan counted the trial as done (100 candidacies); the next one starts at 2 × 104 and
    // sees only matching events.
    for (let k = 102; k < 208; k++) ids(bucket, view, miss);
    expect(bucket.gates.chosenClause(0)?.[0]?.field).toBe('GrantedAccess');
    for (let k = 0; k < 100; k++) expect(ids(bucket, view, hit)).toEqual(['injection']);
    expect(bucket.gates.chosenClause(0)).toBeUndefined();
    expect(ids(bucket, view, miss)).toEqual(['injection']);
  });

  it('leaves list values to the predicate', () => {
    const rules = compiled(injection);
    const bucket = new RuleBucket(rules, new Map(), { trial: 1, period: 1000, maxPassRate: 1 });
    const view = new EventView();
    expect(ids(bucket, view, miss)).toEqual([]);
    expect(ids(bucket, view, { ...miss, GrantedAccess: ['0x10', '0x1028'] })).toEqual(['injection']);
  });
});
