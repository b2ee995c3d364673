import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hunt } from '../hunt/hunt.js';
import { loadRulePaths } from '../hunt/rule-loader.js';
import { Detector, type Detection } from './detector.js';
import { normalizeEvent } from './index.js';
import type { RuleSet } from './index.js';
import type { SigmaEvent } from './sigma-types.js';

/**
 * Correlations over real logs: the SigmaHQ Windows rules hunt a Security-Datasets host log (events
 * arrive a few ms out of order, as real logs do). The base-rule matches are recorded, correlation
 * rules over the most frequent rules are generated from the data, and what the Detector reports is
 * compared with a brute-force reading of the same matches.
 */
const shared = new URL('../../../shared/', import.meta.url).pathname;
const dataset = join(shared, 'testdata/security-datasets/datasets/atomic/windows/lateral_movement/host/covenant_psremoting_grunt.ndjson.gz');
const rulesDir = join(shared, 'content/sigma/rules/windows');
const present = existsSync(dataset) && existsSync(rulesDir);
if (!present) console.log(`skipping real-data correlation tests: ${dataset} or ${rulesDir} is absent`);

interface Match {
  ids: string[];
  time: number;
  host: string;
}

let ruleSet: RuleSet;
let matches: Match[] = [];
let top: string[] = [];
let baseCount = 0;

async function run(detector: Detector): Promise<Detection[]> {
  const out: Detection[] = [];
  await hunt([dataset], { engine: detector, normalize: normalizeEvent, onDetection: (d) => out.push(d.detection) });
  return out;
}

function correlations(text: string) {
  return text.split('\n---\n').map((t, i) => ({ doc: parse(t) as Record<string, unknown>, path: 'generated.yml', line: i + 1 }));
}

describe.skipIf(!present)('Detector correlations on a real host log', () => {
  beforeAll(async () => {
    const loaded = await loadRulePaths([rulesDir]);
    expect(loaded.errors).toEqual([]);
    ruleSet = loaded.ruleSet;
    const plain = new Detector({ ruleSet });
    const recorder = {
      process(event: SigmaEvent, time?: number): Detection[] {
        const d = plain.process(event, time);
        if (d.length > 0) matches.push({ ids: d.map((x) => x.rule.id), time: time ?? Number.NaN, host: String(event.fields.Computer) });
        return d;
      },
    };
    matches = [];
    await hunt([dataset], { engine: recorder, normalize: normalizeEvent, onDetection: () => baseCount++ });
    const counts = new Map<string, number>();
    for (const m of matches) for (const id of m.ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    top = [...counts].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    console.log(`real-data correlations: ${matches.length} matching events, top rules ${top.slice(0, 2).map((id) => `${id}×${counts.get(id)}`).join(', ')}`);
  }, 120_000);

  it('the data has what the tests need: ordered-ish times, a frequent rule, events out of order', () => {
    expect(matches.every((m) => Number.isFinite(m.time))).toBe(true);
    expect(top.length).toBeGreaterThanOrEqual(2);
    expect(matches.some((m, i) => i > 0 && m.time < (matches[i - 1]?.time ?? 0))).toBe(true);
  });

  it('event_count over a long window fires floor(n / N) times per host; generate: true keeps the rule alerts', async () => {
    const r1 = top[0] as string;
    const detector = new Detector({
      ruleSet,
      correlations: correlations(`title: every 7\nid: c-7\ngenerate: true\ncorrelation: {type: event_count, rules: [${r1}], group-by: [Computer], timespan: 3650d, condition: {gte: 7}}`),
    });
    expect(detector.errors).toEqual([]);
    const out = await run(detector);
    const perHost = new Map<string, number>();
    for (const m of matches) if (m.ids.includes(r1)) perHost.set(m.host, (perHost.get(m.host) ?? 0) + 1);
    const expected = [...perHost].flatMap(([host, n]) => Array.from({ length: Math.floor(n / 7) }, () => host)).sort();
    expect(expected.length).toBeGreaterThan(0);
    const corr = out.filter((d) => d.kind === 'correlation');
    expect(corr.map((d) => d.correlation?.groupBy.Computer).sort()).toEqual(expected);
    expect(corr.every((d) => d.correlation?.count === 7)).toBe(true);
    expect(out.length - corr.length).toBe(baseCount);
  });

  it('sliding event_count over 1 second matches a brute-force reading of the match times', async () => {
    const r1 = top[0] as string;
    const span = 1000;
    const detector = new Detector({
      ruleSet,
      correlations: correlations(`title: burst\nid: c-burst\ncorrelation: {type: event_count, rules: [${r1}], group-by: [Computer], timespan: 1s, condition: {gte: 3}}`),
    });
    const out = await run(detector);
    // brute force: per host, the times still in the window (newest time seen - span, newest]
    const state = new Map<string, { times: number[]; newest: number }>();
    const expected: [string, number, number][] = [];
    for (const m of matches) {
      if (!m.ids.includes(r1)) continue;
      const s = state.get(m.host) ?? { times: [], newest: Number.NEGATIVE_INFINITY };
      state.set(m.host, s);
      const newest = Math.max(s.newest, m.time);
      s.times = s.times.filter((t) => t > newest - span);
      if (m.time <= newest - span) continue;
      s.times.push(m.time);
      s.newest = newest;
      if (s.times.length >= 3) {
        expected.push([m.host, Math.min(...s.times), newest]);
        state.delete(m.host);
      }
    }
    expect(expected.length).toBeGreaterThan(0);
    const got = out.filter((d) => d.kind === 'correlation').map((d) => [d.correlation?.groupBy.Computer, d.correlation?.windowStart, d.correlation?.windowEnd]);
    expect(got).toEqual(expected);
    expect(out.some((d) => d.rule.id === r1)).toBe(false); // generate defaults to false
    expect(out.length).toBe(baseCount - matches.filter((m) => m.ids.includes(r1)).length + expected.length);
  });

  it('an upper-bounded count over the two most frequent rules is decided per anchored 10-minute window', async () => {
    const [r1, r2] = top as [string, string];
    const span = 600_000;
    const detector = new Detector({
      ruleSet,
      correlations: correlations(`title: quiet\nid: c-quiet\ncorrelation: {type: event_count, rules: [${r1}, ${r2}], group-by: [Computer], timespan: 10m, condition: {lte: 4}}`),
    });
    const out = await run(detector);
    const windows = new Map<string, { anchor: number; n: number }>();
    const expected: [string, number, number][] = [];
    const close = (host: string, w: { anchor: number; n: number }) => {
      if (w.n <= 4) expected.push([host, w.anchor, w.n]);
    };
    for (const m of matches) {
      const n = m.ids.filter((id) => id === r1 || id === r2).length;
      for (let i = 0; i < n; i++) {
        const w = windows.get(m.host);
        if (w !== undefined && m.time < w.anchor + span) w.n++;
        else {
          if (w !== undefined) close(m.host, w);
          windows.set(m.host, { anchor: m.time, n: 1 });
        }
      }
    }
    for (const [host, w] of windows) close(host, w);
    expect(expected.length).toBeGreaterThan(0);
    const got = out.filter((d) => d.kind === 'correlation').map((d) => [d.correlation?.groupBy.Computer, d.correlation?.windowStart, d.correlation?.count]);
    const order = (a: unknown[], b: unknown[]) => String(a).localeCompare(String(b));
    expect(got.sort(order)).toEqual(expected.sort(order));
  });
});
