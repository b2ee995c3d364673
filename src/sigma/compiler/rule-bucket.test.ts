import { describe, expect, it } from 'vitest';
import { compileTestRules } from './compile-test-rules.js';
import { EventView } from './event-view.js';
import { RuleBucket } from './rule-bucket.js';

const compiled = (text: string) => compileTestRules(text, 'bucket.yml');

const rule = (id: string, detection: string) => `title: ${id}
id: ${id}
logsource:
    category: process_creation
    product: windows
detection:
${detection}
`;

// The shape of SigmaHQ's "Hacktool - EDR-Freeze Execution": the compiled index takes the one
// `.exe` over the two longer names, and `.exe` ends nearly every image.
const freeze = rule(
  'freeze',
  `    selection:
        Image|contains:
            - '\\EDR-Freeze'
            - '\\EDRFreeze'
        Image|endswith: '.exe'
    condition: selection`,
);
// Its clause on CommandLine is one character: too common to index, whatever its trial said.
const redirect = rule(
  'redirect',
  `    selection:
        Image|endswith: '\\cmd.exe'
        CommandLine|contains: '>'
    condition: selection`,
);
const usual = { Image: 'C:\\Windows\\System32\\svchost.exe', CommandLine: 'svchost.exe -k netsvcs' };
const tool = { Image: 'C:\\Tools\\EDRFreeze.exe', CommandLine: 'EDRFreeze.exe 1234 5000' };
const cmd = { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd.exe /c dir' };

function ids(bucket: RuleBucket, view: EventView, fields: Record<string, unknown>): string[] {
  view.reset(fields);
  return bucket.candidates(view).map((r) => r.meta.id);
}

describe('RuleBucket re-anchoring', () => {
  it("moves a rule whose anchor fires on most events onto its gate's clause", () => {
    const rules = compiled(freeze);
    const bucket = new RuleBucket(rules, new Map(), { trial: 8, period: 1000 });
    const view = new EventView();
    expect(bucket.anchorsOfRule(0)).toEqual([{ kind: 'sub', field: 'Image', text: '.exe' }]);
    for (let k = 0; k < 8; k++) expect(ids(bucket, view, usual)).toEqual([]);
    // The trial ended on the 8th candidacy: the clause of the two names held on none of them.
    expect(bucket.movedRules()).toBe(1);
    expect(bucket.anchorsOfRule(0)).toEqual([
      { kind: 'sub', field: 'Image', text: '\\edr-freeze' },
      { kind: 'sub', field: 'Image', text: '\\edrfreeze' },
    ]);
    // Now the usual events do not make it a candidate at all (the gate never sees them)…
    const seen = bucket.gates.candidacies(0);
    for (let k = 0; k < 100; k++) expect(ids(bucket, view, usual)).toEqual([]);
    expect(bucket.gates.candidacies(0)).toBe(seen);
    // …and the tool still does, and matches.
    expect(ids(bucket, view, tool)).toEqual(['freeze']);
    expect(rules[0]!.matches(view)).toBe(true);
    expect(ids(bucket, view, { Image: 'C:\\x\\edr-freeze\\run.exe' })).toEqual(['freeze']);
    // A long value is screened by one regex of the field's substrings before it is folded: the
    // moved rule's names are in it (this one would not match the rule, but is its candidate).
    expect(ids(bucket, view, { Image: `C:\\${'a'.repeat(70)}\\EDR-Freeze\\run.bin` })).toEqual(['freeze']);
  });

  it('keeps a rule on its anchor when the clause is a short substring', () => {
    const rules = compiled(redirect);
    const bucket = new RuleBucket(rules, new Map(), { trial: 8, period: 1000 });
    const view = new EventView();
    for (let k = 0; k < 8; k++) expect(ids(bucket, view, cmd)).toEqual([]);
    expect(bucket.gates.chosenClause(0)).toEqual([{ field: 'CommandLine', dash: false, kind: 'sub', text: '>' }]);
    expect(bucket.movedRules()).toBe(0);
    expect(bucket.anchorsOfRule(0)).toEqual([{ kind: 'base', field: 'Image', text: 'cmd.exe' }]);
  });

  it('keeps a rule on its anchor when the anchor fires on few of the events', () => {
    const rules = compiled(freeze);
    const bucket = new RuleBucket(rules, new Map(), { trial: 8, period: 1000 });
    const view = new EventView();
    // 8 candidacies among 200 events: 4 %, under the 1 in 16 that makes moving worth it.
    for (let k = 0; k < 200; k++) ids(bucket, view, k % 25 === 0 ? usual : { Image: 'C:\\x\\tool.dll' });
    expect(bucket.gates.chosenClause(0)).toBeDefined();
    expect(bucket.movedRules()).toBe(0);
  });

  it('indexes a field the bucket had no anchor on, exact values and path components included', () => {
    const rules = compiled(
      rule(
        'parent',
        `    selection:
        CommandLine|contains: 'x'
        ParentImage|endswith:
            - '\\services.exe'
            - '\\wmiprvse.exe'
        ParentCommandLine: 'C:\\Windows\\system32\\services.exe'
    condition: selection`,
      ) +
        '---\n' +
        rule(
          'plain',
          `    selection:
        CommandLine|contains: 'xyz'
    condition: selection`,
        ),
    );
    const bucket = new RuleBucket(rules, new Map(), { trial: 4, period: 1000 });
    const view = new EventView();
    expect(bucket.anchorsOfRule(0)).toEqual([{ kind: 'eq', field: 'ParentCommandLine', text: 'c:\\windows\\system32\\services.exe' }]);
    // The exact value holds on every event of the trial, the parent image on none: the rule moves
    // onto the path components of ParentImage, a field no rule of the bucket was indexed on.
    const trial = { CommandLine: 'x', ParentCommandLine: 'C:\\Windows\\system32\\services.exe', ParentImage: 'C:\\Windows\\explorer.exe' };
    for (let k = 0; k < 4; k++) expect(ids(bucket, view, trial)).toEqual([]);
    expect(bucket.anchorsOfRule(0)).toEqual([
      { kind: 'base', field: 'ParentImage', text: 'services.exe' },
      { kind: 'base', field: 'ParentImage', text: 'wmiprvse.exe' },
    ]);
    expect(ids(bucket, view, trial)).toEqual([]);
    const hit = { ...trial, ParentImage: 'C:\\Windows\\System32\\WmiPrvSE.exe' };
    expect(ids(bucket, view, hit)).toEqual(['parent']);
    expect(rules[0]!.matches(view)).toBe(true);
    expect(ids(bucket, view, { ...trial, ParentImage: `C:\\${'a'.repeat(70)}\\services.exe` })).toEqual(['parent']);
    // The other rule's index is untouched.
    expect(ids(bucket, view, { CommandLine: 'a xyz b' })).toEqual(['plain']);
  });

  it('does nothing with reanchor: false', () => {
    const rules = compiled(freeze);
    const bucket = new RuleBucket(rules, new Map(), { trial: 8, period: 1000, reanchor: false });
    const view = new EventView();
    for (let k = 0; k < 20; k++) ids(bucket, view, usual);
    expect(bucket.movedRules()).toBe(0);
    expect(bucket.anchorsOfRule(0)).toEqual([{ kind: 'sub', field: 'Image', text: '.exe' }]);
  });
});

describe('RuleBucket probe cache', () => {
  // Seven `contains` rules on CommandLine: the field is searched by an automaton, whose results
  // for recurring values the bucket keeps.
  const fillers = Array.from({ length: 7 }, (_, k) =>
    rule(
      `filler${k}`,
      `    selection:
        CommandLine|contains: 'needle${k}'
    condition: selection`,
    ),
  );
  // Anchored on `.exe` (one value beats two), gated on the CommandLine names, then moved there.
  const mover = rule(
    'mover',
    `    selection:
        Image|endswith: '.exe'
        CommandLine|contains:
            - 'secretdumpa'
            - 'secretdumpb'
    condition: selection`,
  );
  const long = (s: string) => `C:\\Windows\\System32\\cmd.exe /c ${s} ${'x'.repeat(64)}`;

  it('gives a recurring value the candidates and the noted scan of its first probe', () => {
    const rules = compiled(fillers.join('---\n'));
    const bucket = new RuleBucket(rules, new Map(), { trial: 1_000_000, period: 1_000_000 });
    const view = new EventView();
    const values = [long('needle1 needle5'), long('nothing'), 'short needle3', long('needle1 needle5'), 'short needle3', long('nothing')];
    for (const CommandLine of values) {
      const fresh = new RuleBucket(rules, new Map(), { trial: 1_000_000, period: 1_000_000 });
      const freshView = new EventView();
      expect(ids(bucket, view, { CommandLine })).toEqual(ids(fresh, freshView, { CommandLine }));
      // A long value's scan is handed to the evaluation, from the cache as from the automaton.
      for (let k = 0; k < 7; k++) expect(view.scannedContains('CommandLine', `needle${k}`)).toBe(freshView.scannedContains('CommandLine', `needle${k}`));
    }
    view.reset({ CommandLine: long('needle1 needle5') });
    expect(bucket.candidates(view).map((r) => r.meta.id)).toEqual(['filler1', 'filler5']);
    expect(view.scannedContains('CommandLine', 'needle5')).toBe(true);
    expect(view.scannedContains('CommandLine', 'needle2')).toBe(false);
  });

  it('forgets its values when a rule moves onto the field', () => {
    const rules = compiled([...fillers, mover].join('---\n'));
    const bucket = new RuleBucket(rules, new Map(), { trial: 8, period: 1000 });
    const view = new EventView();
    expect(bucket.anchorsOfRule(7)).toEqual([{ kind: 'sub', field: 'Image', text: '.exe' }]);
    const usual = { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: long('dir') };
    const dump = { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: long('secretdumpa') };
    // The dump's command line is probed (and kept) while the rule is still anchored on `.exe`.
    expect(ids(bucket, view, dump)).toEqual(['mover']);
    for (let k = 0; k < 7; k++) expect(ids(bucket, view, usual)).toEqual([]);
    expect(bucket.movedRules()).toBe(1);
    expect(bucket.anchorsOfRule(7)).toEqual([
      { kind: 'sub', field: 'CommandLine', text: 'secretdumpa' },
      { kind: 'sub', field: 'CommandLine', text: 'secretdumpb' },
    ]);
    // The kept result predates the move and lists no rule for `secretdumpa`.
    expect(ids(bucket, view, dump)).toEqual(['mover']);
    expect(rules[7]!.matches(view)).toBe(true);
    expect(ids(bucket, view, usual)).toEqual([]);
  });
});
