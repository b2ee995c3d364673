import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../../../test/files-under.js';
import { logsourceMatches } from '../logsource/logsource-aliases.js';
import { normalizeEvent } from '../logsource/normalize-event.js';
import { loadRuleTexts } from '../load-rules.js';
import type { SigmaEvent } from '../sigma-types.js';
import { compileRuleSet } from './compile-rule-set.js';
import { compileDetection } from './compile-rule.js';
import { EventView } from './event-view.js';

const rulesRoot = fileURLToPath(new URL('../../../../shared/content/sigma/', import.meta.url));
const dataRoot = fileURLToPath(new URL('../../../../shared/testdata/security-datasets/datasets/', import.meta.url));
const present = existsSync(rulesRoot) && existsSync(dataRoot);
if (!present) console.log(`skipping the index differential test: ${rulesRoot} or ${dataRoot} is absent`);

/** Seeded PRNG so a failure reproduces. */
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % n;
  };
}

describe.skipIf(!present)('indexed RuleSet vs naive evaluation of every rule', () => {
  it('gives the same matches on real Security-Datasets events', () => {
    const files = filesUnder(rulesRoot, /\.ya?ml$/).map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
    const all = loadRuleTexts(files);
    expect(all.errors).toEqual([]);
    const rnd = random(7);
    // A few thousand events: the start of every 4th dataset plus random lines from it.
    const events: SigmaEvent[] = [];
    const datasets = filesUnder(dataRoot, /\.ndjson\.gz$/);
    for (let i = 0; i < datasets.length; i += 4) {
      const lines = gunzipSync(readFileSync(datasets[i]!)).toString('utf8').split('\n').filter((l) => l.trim());
      const picks = [...lines.slice(0, 60), ...Array.from({ length: 60 }, () => lines[rnd(lines.length)]!)];
      for (const l of picks) events.push(normalizeEvent(JSON.parse(l) as Record<string, unknown>));
    }
    expect(events.length).toBeGreaterThan(2000);

    // Naive reference: every rule's own predicate, no routing index, no anchors.
    const naive = all.rules.map((r) => ({ meta: r.meta, matches: compileDetection(r.detection) }));
    const view = new EventView();
    const expected = events.map((e) => {
      view.reset(e.fields);
      return naive.filter((r) => logsourceMatches(r.meta.logsource, e.logsource) && r.matches(view)).map((r) => r.meta.id);
    });

    // The full set, and random subsets (different buckets, anchors and automata).
    const subsets = [all.rules, ...Array.from({ length: 3 }, () => all.rules.filter(() => rnd(3) === 0))];
    let compared = 0;
    let hits = 0;
    for (const subset of subsets) {
      const keep = new Set(subset.map((r) => r.meta.id));
      const { ruleSet } = compileRuleSet({ rules: subset });
      events.forEach((e, k) => {
        const got = ruleSet.match(e).map((m) => m.rule.id);
        const want = expected[k]!.filter((id) => keep.has(id));
        expect(got, `event ${k} ${JSON.stringify(e.logsource)}`).toEqual(want);
        compared++;
        hits += got.length;
      });
    }
    expect(compared).toBe(events.length * subsets.length);
    // The comparison is only meaningful if rules actually fire on this data.
    console.log(`indexed vs naive: ${events.length} events × ${subsets.length} rule sets, ${hits} matches compared`);
    expect(hits).toBeGreaterThan(20);
  }, 120_000);
});
