import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../../../test/files-under.js';
import { loadRuleTexts } from '../load-rules.js';
import { logsourceMatches } from '../logsource/logsource-aliases.js';
import { normalizeEvent } from '../logsource/normalize-event.js';
import { buildFieldTest, type DetectionValue } from '../modifiers/build-field-test.js';
import type { FieldTest } from '../modifiers/value-test.js';
import type { SigmaEvent } from '../sigma-types.js';
import type { ConditionNode } from '../condition/condition-node.js';
import type { SigmaDetection } from '../rule/sigma-rule.js';
import { compileFieldTest } from './compile-field-test.js';
import { explainMatch } from './compile-rule.js';
import { evaluateFieldTest } from './evaluate-field-test.js';
import { EventView } from './event-view.js';

/** The compiled predicate and the reference evaluator on one event; returns the answer. */
function same(t: FieldTest, fields: Record<string, unknown>, view = new EventView()): boolean {
  view.reset(fields);
  const want = evaluateFieldTest(t, view);
  expect(compileFieldTest(t)(view), `${t.field} ${JSON.stringify(t.tests)} on ${JSON.stringify(fields)}`).toBe(want);
  return want;
}

const values: unknown[] = [
  undefined, null, '', 'C:\\Windows\\System32\\cmd.exe', 'c:\\windows\\system32\\CMD.EXE', 'cmd.exe /c whoami',
  'powershell \u2013enc AAAA', 'powershell -enc AAAA', 'powershell /enc AAAA', 'Ente', 'ENTE', 'x'.repeat(80) + 'Mimikatz',
  '10.1.2.3', '192.168.0.1', '8.8.8.8', '4624', 4624, 3, 0, true, false, '2024-05-01T10:20:30Z',
  ['a.exe', 'C:\\x\\cmd.exe'], [4624, 'x'], { nested: 'cmd.exe' }, 'İstanbul', 'K\u212Aelvin',
];

const entries: [string, DetectionValue[]][] = [
  ['F', ['cmd.exe']],
  ['F', ['C:\\Windows\\System32\\cmd.exe', 'ente']],
  ['F', ['']],
  ['F', [null]],
  ['F', [null, 'ente']],
  ['F', [4624, 4625]],
  ['F', [true]],
  ['F|cased', ['Ente']],
  ['F|contains', ['cmd', 'mimikatz']],
  ['F|contains', ['*']],
  ['F|contains|all', ['cmd', 'whoami']],
  ['F|contains|all', ['cmd', 'nothere']],
  ['F|contains|cased', ['Mimikatz']],
  ['F|startswith', ['c:\\windows\\', 'powershell']],
  ['F|endswith', ['\\cmd.exe', '.exe']],
  ['F|endswith|cased', ['CMD.EXE']],
  ['F|endswith|all', ['.exe', 'cmd.exe']],
  ['F|windash|contains', ['-enc', ' -e ']],
  ['F|windash|contains|cased', [' -enc ']],
  ['F|windash|contains|all', ['powershell', '-enc']],
  ['F', ['*system32*cmd?exe']],
  ['F|cased', ['C:\\*\\cmd.exe']],
  ['F|re', ['^c:\\\\windows']],
  ['F|re|i', ['^c:\\\\windows']],
  ['F|re', ['(?i)mimi']],
  ['F|re', ['\\d{4}']],
  ['F|cidr', ['10.0.0.0/8', '192.168.0.0/16']],
  ['F|gte', [4000]],
  ['F|lt', [4]],
  ['F|hour', [10]],
  ['F|exists', [true]],
  ['F|exists', [false]],
  ['F|neq', ['cmd.exe']],
  ['F|neq', ['4624', '4625']],
  ['F|contains|neq', ['cmd']],
  ['F|fieldref', ['G']],
  ['F|fieldref|contains', ['G']],
  ['F|base64offset|contains', ['whoami']],
  ['F|endswith', Array.from({ length: 14 }, (_, i) => `\\tool${i}.exe`).concat(['cmd.exe', '.bat'])],
  ['F', Array.from({ length: 14 }, (_, i) => `value${i}`).concat(['4624'])],
  ['F|endswith|all', Array.from({ length: 14 }, () => '.exe')],
  ['F.nested', ['cmd.exe']],
];

describe('compileFieldTest', () => {
  it('answers as evaluateFieldTest for every kind of entry and value', () => {
    const view = new EventView();
    let held = 0;
    for (const [key, vals] of entries) {
      const t = buildFieldTest(key, vals);
      for (const v of values) {
        for (const g of ['cmd.exe', 'C:\\Windows', undefined]) {
          if (key.startsWith('F.nested')) held += same(t, { F: v }, view) ? 1 : 0;
          held += same(t, v === undefined ? { G: g } : { F: v, G: g }, view) ? 1 : 0;
        }
      }
    }
    // Both answers occur: the comparison is not all `false`.
    expect(held).toBeGreaterThan(100);
  });

  it('keeps keyword entries on the reference path', () => {
    const t = buildFieldTest('', ['mimikatz']);
    expect(same(t, { A: 'x', B: 'Invoke-Mimikatz' })).toBe(true);
    expect(same(t, { A: 'x' })).toBe(false);
  });

  it('resolves the field slot per view (two views in turn)', () => {
    const t = buildFieldTest('F|contains', ['cmd']);
    const p = compileFieldTest(t);
    const a = new EventView();
    const b = new EventView();
    b.slotOf('Other'); // different slot numbering in the two views
    a.reset({ F: 'cmd.exe' });
    b.reset({ F: 'notepad.exe', Other: 'cmd' });
    expect([p(a), p(b), p(a)]).toEqual([true, false, true]);
  });
});

const rulesRoot = fileURLToPath(new URL('../../../../shared/content/sigma/', import.meta.url));
const dataRoot = fileURLToPath(new URL('../../../../shared/testdata/security-datasets/datasets/', import.meta.url));
const present = existsSync(rulesRoot) && existsSync(dataRoot);
if (!present) console.log(`skipping the compiled field test differential: ${rulesRoot} or ${dataRoot} is absent`);

describe.skipIf(!present)('compileFieldTest on the SigmaHQ rules and real events', () => {
  it('answers as evaluateFieldTest for every field entry of every rule of the event logsource, and explainMatch as before', () => {
    const files = filesUnder(rulesRoot, /\.ya?ml$/).map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
    const all = loadRuleTexts(files);
    const rules = all.rules.map((r) => ({
      detection: r.detection,
      logsource: r.meta.logsource,
      tests: [...r.detection.searches.values()].flatMap((s) => s.branches.flat()).map((t) => ({ t, p: compileFieldTest(t) })),
    }));
    const events: SigmaEvent[] = [];
    const datasets = filesUnder(dataRoot, /\.ndjson\.gz$/);
    for (let i = 0; i < datasets.length; i += 5) {
      const lines = gunzipSync(readFileSync(datasets[i]!)).toString('utf8').split('\n').filter((l) => l.trim());
      for (const l of lines.slice(0, 40)) events.push(normalizeEvent(JSON.parse(l) as Record<string, unknown>));
    }
    const view = new EventView();
    let compared = 0;
    let held = 0;
    for (const e of events) {
      view.reset(e.fields);
      for (const r of rules) {
        if (!logsourceMatches(r.logsource, e.logsource)) continue;
        for (const { t, p } of r.tests) {
          const want = evaluateFieldTest(t, view);
          if (p(view) !== want) expect(p(view), `${t.field} ${JSON.stringify(t.tests).slice(0, 200)} on ${JSON.stringify(e.fields).slice(0, 300)}`).toBe(want);
          compared++;
          if (want) held++;
        }
        expect(explainMatch(r.detection, view)).toEqual(explainOneByOne(r.detection, view));
      }
    }
    console.log(`compiled vs reference field entries: ${compared} answers compared on ${events.length} events, ${held} true`);
    expect(held).toBeGreaterThan(1000);
  }, 120_000);
});

/** explainMatch as it was before its branches were compiled: the reference. */
function explainOneByOne(detection: SigmaDetection, view: EventView): { selection: string; fields: string[] }[] {
  const positive = (node: ConditionNode, name: string, negated: boolean): boolean => {
    switch (node.type) {
      case 'id':
        return node.name === name && !negated;
      case 'not':
        return positive(node.item, name, !negated);
      case 'of':
        return !negated && node.names.includes(name);
      default:
        return node.items.some((n) => positive(n, name, negated));
    }
  };
  const out: { selection: string; fields: string[] }[] = [];
  for (const [name, s] of detection.searches) {
    if (!positive(detection.condition, name, false)) continue;
    const tests = s.branches.find((b) => b.every((t) => evaluateFieldTest(t, view)));
    if (tests) out.push({ selection: name, fields: tests.filter((t) => t.field !== undefined).map((t) => t.field!) });
  }
  return out;
}
