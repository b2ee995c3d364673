import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Detector, normalizeEvent } from '../sigma/index.js';
import { hunt } from './hunt.js';
import { loadRulePaths } from './rule-loader.js';

/**
 * SigmaHQ regression data: for every entry, hunting its events with its rule (alone) must give at
 * least `match_count` (default 1) detections of that rule id, from the `.json` and from the `.evtx`.
 */
const shared = new URL('../../../shared/', import.meta.url).pathname;
const regression = join(shared, 'testdata/sigma-regression');
const content = join(shared, 'content/sigma');
const present = existsSync(join(regression, 'index.json')) && existsSync(content);
if (!present) console.log(`skipping sigma regression: ${regression} or ${content} is absent`);

interface Entry { rule_id: string; rule_path: string; json_path: string | null; evtx_path: string | null; match_count: number | null }
const entries: Entry[] = present ? JSON.parse(readFileSync(join(regression, 'index.json'), 'utf8')) : [];

async function detectionsOf(entry: Entry, file: string): Promise<number> {
  const loaded = await loadRulePaths([join(content, entry.rule_path)]);
  if (loaded.errors.length > 0) throw new Error(`rule did not load: ${loaded.errors.map((e) => e.message).join('; ')}`);
  const detector = new Detector({ ruleSet: loaded.ruleSet, correlations: loaded.correlations });
  let count = 0;
  await hunt([join(regression, file)], {
    engine: detector,
    normalize: normalizeEvent,
    onDetection: (d) => {
      if (d.detection.rule.id === entry.rule_id) count++;
    },
  });
  return count;
}

describe.skipIf(!present)('SigmaHQ regression data', () => {
  for (const kind of ['json', 'evtx'] as const) {
    it(`every rule fires at least match_count times on its .${kind}`, { timeout: 120_000 }, async () => {
      const failures: string[] = [];
      const missing: string[] = [];
      let passed = 0;
      let tested = 0;
      for (const e of entries) {
        const file = kind === 'json' ? e.json_path : e.evtx_path;
        if (!file) {
          missing.push(e.rule_path);
          continue;
        }
        tested++;
        const want = e.match_count ?? 1;
        try {
          const got = await detectionsOf(e, file);
          if (got >= want) passed++;
          else failures.push(`${e.rule_path} (${e.rule_id}): ${got} < ${want} on ${file}`);
        } catch (err) {
          failures.push(`${e.rule_path} (${e.rule_id}): ${(err as Error).message}`);
        }
      }
      console.log(`sigma regression: ${passed}/${tested} ${kind}` + (missing.length ? ` (${missing.length} entries without a .${kind}: ${missing.join(', ')})` : ''));
      if (failures.length) console.log(`sigma regression ${kind} failures:\n  ${failures.join('\n  ')}`);
      expect(failures).toEqual([]);
      expect(tested).toBeGreaterThan(0);
    });
  }
});

describe.skipIf(!present)('SigmaHQ regression data, every rule at once', () => {
  it('finds the same detections in each .evtx as in its evtx_dump .json', { timeout: 120_000 }, async () => {
    const loaded = await loadRulePaths([content]);
    const detector = new Detector({ ruleSet: loaded.ruleSet, correlations: loaded.correlations });
    const found = async (file: string): Promise<string[]> => {
      const out: string[] = [];
      await hunt([join(regression, file)], {
        engine: detector,
        normalize: normalizeEvent,
        onDetection: (d) => out.push(`${d.detection.rule.id} record ${d.record}`),
      });
      return out.sort();
    };
    let pairs = 0;
    let detections = 0;
    for (const e of entries) {
      if (!e.json_path || !e.evtx_path) continue;
      const fromJson = await found(e.json_path);
      expect(await found(e.evtx_path), e.evtx_path).toEqual(fromJson);
      pairs++;
      detections += fromJson.length;
    }
    console.log(`sigma regression: ${pairs} .evtx files give the same ${detections} detections of ${loaded.ruleSet.size} rules as their .json`);
    expect(pairs).toBeGreaterThanOrEqual(142);
    expect(detections).toBeGreaterThan(pairs);
  });
});
