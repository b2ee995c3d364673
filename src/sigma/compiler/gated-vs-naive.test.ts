import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../../../test/files-under.js';
import { logsourceMatches } from '../logsource/logsource-aliases.js';
import { normalizeEvent } from '../logsource/normalize-event.js';
import { loadRuleTexts } from '../load-rules.js';
import type { Logsource, SigmaEvent } from '../sigma-types.js';
import { compileDetection, type CompiledRule } from './compile-rule.js';
import { EventView } from './event-view.js';
import { RuleBucket } from './rule-bucket.js';

const rulesRoot = fileURLToPath(new URL('../../../../shared/content/sigma/', import.meta.url));
const dataRoot = fileURLToPath(new URL('../../../../shared/testdata/security-datasets/datasets/', import.meta.url));
const present = existsSync(rulesRoot) && existsSync(dataRoot);
if (!present) console.log(`skipping the candidate gate differential test: ${rulesRoot} or ${dataRoot} is absent`);

/** Seeded PRNG so a failure reproduces. */
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % n;
  };
}

const keyOf = (ls: Logsource): string => `${ls.product ?? ''}\u0000${ls.category ?? ''}\u0000${ls.service ?? ''}`;

describe.skipIf(!present)('index with run-time candidate gates vs every rule of the bucket', () => {
  it('gives the same matches on real Security-Datasets events, with gates re-planned every few candidacies', () => {
    const files = filesUnder(rulesRoot, /\.ya?ml$/).map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
    const all = loadRuleTexts(files);
    expect(all.errors).toEqual([]);
    const rnd = random(11);
    // Every dataset: its first 40 lines and 50 random ones, in file order (gates see runs of
    // similar events, as in a hunt).
    const events: SigmaEvent[] = [];
    for (const file of filesUnder(dataRoot, /\.ndjson\.gz$/)) {
      const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.trim());
      const picks = [...lines.slice(0, 40), ...Array.from({ length: 50 }, () => lines[rnd(lines.length)]!)];
      for (const l of picks) events.push(normalizeEvent(JSON.parse(l) as Record<string, unknown>));
      // And every process creation, the logsource with the most rules (1,421) and the most of
      // them moved onto their gates' clauses at run time.
      for (const l of lines) {
        if (!/"EventID":\s*"?(1|4688)\b/.test(l)) continue;
        const e = normalizeEvent(JSON.parse(l) as Record<string, unknown>);
        if (e.logsource.category === 'process_creation') events.push(e);
      }
    }
    expect(events.length).toBeGreaterThan(7000);

    // Short trials and periods, and a gate kept whatever its pass rate, so that nearly every rule
    // with a clause is gated, and re-planned many times, over these events.
    const gated = new Map<string, { bucket: RuleBucket; naive: { id: string; matches: (v: EventView) => boolean }[] }>();
    const view = new EventView();
    const naiveView = new EventView();
    let compared = 0;
    let hits = 0;
    let candidates = 0;
    for (const [k, e] of events.entries()) {
      const key = keyOf(e.logsource);
      let g = gated.get(key);
      if (!g) {
        const rules = all.rules.filter((r) => logsourceMatches(r.meta.logsource, e.logsource));
        const compiled: CompiledRule[] = rules.map((r, order) => ({ meta: r.meta, detection: r.detection, order, matches: compileDetection(r.detection), filters: [] }));
        const naive = rules.map((r) => ({ id: r.meta.id, matches: compileDetection(r.detection) }));
        gated.set(key, (g = { bucket: new RuleBucket(compiled, new Map(), { trial: 3, period: 40, maxPassRate: 1 }), naive }));
      }
      view.reset(e.fields);
      const cands = g.bucket.candidates(view);
      candidates += cands.length;
      const got = cands.filter((r) => r.matches(view)).map((r) => r.meta.id);
      naiveView.reset(e.fields);
      const want = g.naive.filter((r) => r.matches(naiveView)).map((r) => r.id);
      expect(got, `event ${k} ${JSON.stringify(e.logsource)}`).toEqual(want);
      compared++;
      hits += got.length;
    }
    let gatedRules = 0;
    let moved = 0;
    for (const { bucket } of gated.values()) {
      for (let i = 0; i < bucket.rules.length; i++) if (bucket.gates.chosenClause(i)) gatedRules++;
      moved += bucket.movedRules();
    }
    console.log(`gated vs naive: ${compared} events, ${hits} matches, ${(candidates / compared).toFixed(2)} candidates per event, ${gatedRules} rules gated at the end, ${moved} moved onto their gate's clause`);
    // Only meaningful if rules fire, gates are in use and rules were moved.
    expect(hits).toBeGreaterThan(20);
    expect(gatedRules).toBeGreaterThan(50);
    expect(moved).toBeGreaterThan(20);
  }, 300_000);
});
