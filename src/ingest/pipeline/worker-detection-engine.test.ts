import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulePaths } from '../../hunt/rule-loader.js';
import { readEvents } from '../../hunt/read-events.js';
import { systemClock } from '../../shared/clock.js';
import { InProcessDetectionEngine } from './detection-engine.js';
import type { PipelineEvent } from './pipeline-event.js';
import { WorkerDetectionEngine } from './worker-detection-engine.js';

const root = path.resolve(import.meta.dirname, '../../..');
const regression = path.resolve(root, '../shared/testdata/sigma-regression');
const rulesDir = path.join(root, 'content/sigma/rules/windows/process_creation');
const haveData = existsSync(path.join(regression, 'index.json'));
if (!haveData) console.warn(`skipping worker detection test: ${regression} is absent`);

describe.runIf(haveData)('WorkerDetectionEngine', () => {
  it('finds in worker threads exactly what the in-process engine finds, over real events', async () => {
    const index = JSON.parse(readFileSync(path.join(regression, 'index.json'), 'utf8')) as { json_path: string | null }[];
    const events: PipelineEvent[] = [];
    for (const entry of index) {
      if (!entry.json_path) continue;
      for await (const r of readEvents(path.join(regression, entry.json_path))) {
        events.push({ id: `e${events.length}`, time: 0, receivedAt: 0, source: 'test', sourceFormat: 'windows', message: null, raw: r.raw, ecs: {} });
      }
    }
    const loaded = await loadRulePaths([rulesDir]);
    const local = new InProcessDetectionEngine({ ruleSet: loaded.ruleSet, correlations: loaded.correlations }, systemClock);
    const pool = await WorkerDetectionEngine.start({ size: 2, rulePaths: [rulesDir] });
    try {
      expect(pool.rules().map((r) => r.id).sort()).toEqual(local.rules().map((r) => r.id).sort());
      const key = (h: { index: number; detection: { rule: { id: string; author: string } } }) => `${h.index}|${h.detection.rule.id}|${h.detection.rule.author}`;
      const want = (await local.detect('org', events)).map(key).sort();
      // Two halves in parallel: both workers busy at once.
      const half = Math.floor(events.length / 2);
      const [a, b] = await Promise.all([pool.detect('org', events.slice(0, half)), pool.detect('org', events.slice(half))]);
      const got = [...a.map(key), ...b.map((h) => key({ ...h, index: h.index + half }))].sort();
      expect(want.length).toBeGreaterThan(50);
      expect(got).toEqual(want);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
