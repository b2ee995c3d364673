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
      const all = await local.detect('org', { orgId: 'org', batchId: 'all', events });
      const want = all.hits.map(key).sort();
      expect(all.hits.every((h) => h.event.id === events[h.index]!.id && h.event.raw === events[h.index]!.raw)).toBe(true);
      // Two halves in parallel, both workers busy at once: one decoded, one as the bus's JSON text.
      const half = Math.floor(events.length / 2);
      const [a, b] = await Promise.all([
        pool.detect('org', { orgId: 'org', batchId: 'a', events: events.slice(0, half) }),
        pool.detect('org', JSON.stringify({ orgId: 'org', batchId: 'b', events: events.slice(half) })),
      ]);
      expect([a.batchId, a.count, b.batchId, b.count]).toEqual(['a', half, 'b', events.length - half]);
      const got = [...a.hits.map(key), ...b.hits.map((h) => key({ ...h, index: h.index + half }))].sort();
      expect(want.length).toBeGreaterThan(50);
      expect(got).toEqual(want);
      expect(b.hits.every((h) => h.event.id === events[h.index + half]!.id)).toBe(true);
      await expect(pool.detect('org', JSON.stringify({ orgId: 'other', batchId: 'x', events: [] }))).rejects.toThrow(/organisation other/);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('prepares submissions in the workers, detects the kept events once, and answers nothing for a released or taken batch', async () => {
    const index = JSON.parse(readFileSync(path.join(regression, 'index.json'), 'utf8')) as { json_path: string | null }[];
    const records: string[] = [];
    for (const entry of index) {
      if (!entry.json_path) continue;
      for await (const r of readEvents(path.join(regression, entry.json_path))) records.push(JSON.stringify(r.raw));
    }
    const loaded = await loadRulePaths([rulesDir]);
    const local = new InProcessDetectionEngine({ ruleSet: loaded.ruleSet, correlations: loaded.correlations }, systemClock);
    const pool = await WorkerDetectionEngine.start({ size: 2, rulePaths: [rulesDir] });
    try {
      const ids = records.map((_, i) => `e${i}`);
      const req = { orgId: 'org', input: 'http', receivedAt: 5, records, ids, hold: true, busJson: false };
      const [mine, theirs] = [await local.prepare(req), await pool.prepare(req)];
      expect(theirs.rows).toEqual(mine.rows);
      expect(theirs.ids).toEqual(ids);
      expect(theirs.holder).toMatchObject({ hold: expect.any(Number) });
      const claim = (holder: typeof theirs.holder) => ({ claim: holder!, orgId: 'org', batchId: 'b', count: records.length, receivedAt: 5 });
      const key = (h: { index: number; detection: { rule: { id: string } } }) => `${h.index}|${h.detection.rule.id}`;
      const want = (await local.detectHeld(claim(mine.holder)))!.hits.map(key).sort();
      expect(want.length).toBeGreaterThan(50);
      const got = await pool.detectHeld(claim(theirs.holder));
      expect(got!.hits.map(key).sort()).toEqual(want);
      expect(got!.receivedAt.every((t) => t === 5)).toBe(true);
      // Taken once: a redelivery reads the batch from the store.
      expect(await pool.detectHeld(claim(theirs.holder))).toBeUndefined();
      const released = await pool.prepare(req);
      pool.release(released.holder!);
      expect(await pool.detectHeld(claim(released.holder))).toBeUndefined();
      await expect(pool.detectHeld({ ...claim(released.holder), orgId: 'other' })).resolves.toBeUndefined();
    } finally {
      await pool.close();
    }
  }, 60_000);
});
