import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulePaths } from '../../hunt/rule-loader.js';
import { systemClock } from '../../shared/clock.js';
import { splitLineRecords } from '../parsers/index.js';
import { haveRegressionData, regressionDir, regressionRaws } from './regression-test-kit.js';
import { InProcessDetectionEngine } from './detection-engine.js';
import type { PipelineEvent } from './pipeline-event.js';
import { WorkerDetectionEngine } from './worker-detection-engine.js';

const root = path.resolve(import.meta.dirname, '../../..');
const rulesDir = path.join(root, 'content/sigma/rules/windows/process_creation');
if (!haveRegressionData) console.warn(`skipping worker detection test: ${regressionDir} is absent`);

describe.runIf(haveRegressionData)('WorkerDetectionEngine', () => {
  it('finds in worker threads exactly what the in-process engine finds, over real events', async () => {
    const events: PipelineEvent[] = (await regressionRaws()).map((raw, i) => ({ id: `e${i}`, time: 0, receivedAt: 0, source: 'test', sourceFormat: 'windows', message: null, raw, ecs: {} }));
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
    const records = (await regressionRaws()).map((raw) => JSON.stringify(raw));
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

  it('splits a transferred line body in the worker as splitLineRecords does: rejects by line, holes, BOM, non-ASCII', async () => {
    const pool = await WorkerDetectionEngine.start({ size: 1, rulePaths: [rulesDir] });
    try {
      const windows = (n: number, message: string) => JSON.stringify({ EventID: 4688, Channel: 'Security', Computer: `host${n}`, Message: message });
      // A body of its own ArrayBuffer (a small Buffer may be a slice of the pool, which is copied).
      const body = new Uint8Array(Buffer.concat([
        Buffer.from('\ufeff' + windows(0, 'plain') + '\r\n\n   \n'),
        Buffer.from(windows(3, 'x'.repeat(300)) + '\n'),
        Buffer.from(windows(4, 'Straße ✓ 𝄞') + '\n'),
        Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d, 0x0a]),
        Buffer.from('<13>1 2026-01-01T00:00:00Z host app - - - syslog ü\n'),
      ]));
      const copy = new Uint8Array(body);
      const ids = ['i1', 'i2', 'i3', 'i4', 'i5'];
      const req = { orgId: 'org', input: 'http', receivedAt: 5, records: [], ids, hold: false, busJson: false, lines: { body, maxLineBytes: 200 } };
      const got = await pool.prepare(req);
      // Transferred, not copied: the body is detached here.
      expect(body.byteLength).toBe(0);
      expect(got.rejected.map((r) => [r.index, r.code])).toEqual([
        [3, 'FRAME_TOO_LARGE'],
        [5, 'UTF8_INVALID'],
      ]);
      expect(new TextDecoder().decode(got.rejectedSample)).toBe(new TextDecoder().decode(copy).split('\n')[3]!.slice(0, 480));
      const data = got.rows.map((r) => JSON.parse(new TextDecoder().decode(r.dataJson as Uint8Array)) as { raw: Record<string, unknown> });
      expect(data.map((d) => d.raw['Computer'] ?? null)).toEqual(['host0', 'host4', null]);
      expect(data[1]!.raw['Message']).toBe('Straße ✓ 𝄞');
      expect(new TextDecoder().decode(got.rows[2]!.message as Uint8Array)).toContain('syslog ü');
      expect(got.ids).toEqual(['i1', 'i2', 'i3']);
      // The same as splitting here and posting the lines as strings.
      const local = new InProcessDetectionEngine({ ruleSet: (await loadRulePaths([rulesDir])).ruleSet, correlations: [] }, systemClock);
      const split = splitLineRecords(copy, 200);
      const inline = await local.prepare({ ...req, lines: undefined, records: split.records, ids });
      expect(got.rows.map((r) => new TextDecoder().decode(r.dataJson as Uint8Array))).toEqual(inline.rows.map((r) => new TextDecoder().decode(r.dataJson as Uint8Array)));
      expect(got.rejected).toEqual([...split.errors, ...inline.rejected]);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
