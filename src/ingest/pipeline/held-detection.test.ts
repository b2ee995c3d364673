import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulePaths } from '../../hunt/rule-loader.js';
import { TLP_MARKING_IDS } from '../../intel/tlp/index.js';
import { ManualClock } from '../../shared/clock.js';
import { sequentialIds } from '../../shared/ids.js';
import { loadRuleTexts } from '../../sigma/index.js';
import type { PrepareRequest } from './batch-preparation.js';
import { haveRegressionData, regressionDir, regressionRaws } from './regression-test-kit.js';
import { InProcessDetectionEngine, type BatchDetection, type DetectionContent } from './detection-engine.js';
import type { PipelineEvent } from './pipeline-event.js';
import { parseRecords } from './record-parsing.js';

const root = path.resolve(import.meta.dirname, '../../..');
const rulesDir = path.join(root, 'content/sigma/rules/windows/process_creation');
if (!haveRegressionData) console.warn(`skipping the held-detection test on real events: ${regressionDir} is absent`);

/**
 * Detects `records` twice on fresh engines of the same content: on the parsed events (`detect`),
 * and prepared with a hold, then finished from what the hold kept (`prepareAs` + `detectHold`).
 */
function bothWays(content: DetectionContent, records: string[], setup: (e: InProcessDetectionEngine) => void = () => {}, now = 0) {
  const req: PrepareRequest = { orgId: 'org', input: 'http', receivedAt: 5, records, hold: true, busJson: false };
  const events: PipelineEvent[] = [];
  parseRecords(req, sequentialIds('e'), (e) => events.push(e));
  const plain = new InProcessDetectionEngine(content, new ManualClock(now));
  const ahead = new InProcessDetectionEngine(content, new ManualClock(now), { ids: sequentialIds('e') });
  setup(plain);
  setup(ahead);
  return {
    events,
    plain: plain.detect('org', { orgId: 'org', batchId: 'b', events }),
    ahead: (() => {
      const prepared = ahead.prepareAs(req, 0, 1);
      expect(prepared.holder).toEqual({ engine: expect.any(Number), slot: 0, hold: 1 });
      expect(ahead.heldEvents()).toBe(events.length);
      const result = ahead.detectHold('org', 'b', 1);
      expect(ahead.heldEvents()).toBe(0);
      return result!;
    })(),
  };
}

/** A detection as alerts store it, but the event's raw fields. */
const key = (h: BatchDetection['hits'][number]) =>
  JSON.stringify([h.index, h.event.id, h.event.time, h.event.source, h.event.sourceFormat, h.detection.rule.id, h.detection.kind, h.detection.matched, h.detection.correlation ?? null]);

describe.runIf(haveRegressionData)('detection ahead of a hold, finished on what the hold kept', () => {
  it('finds what detection on the events finds over real events, correlations closing on time included', async () => {
    const records = (await regressionRaws()).map((raw) => JSON.stringify(raw));
    const plainRules = await loadRulePaths([rulesDir]);
    // The two rules that match most, as counted by detection itself (no rule named here).
    const first = bothWays({ ruleSet: plainRules.ruleSet, correlations: [] }, records);
    const counts = new Map<string, number>();
    for (const h of (await first.plain).hits) counts.set(h.detection.rule.id, (counts.get(h.detection.rule.id) ?? 0) + 1);
    const [often, other] = [...counts].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    expect(first.ahead.hits.map(key)).toEqual((await first.plain).hits.map(key));

    // A sliding correlation fires on a matching event; an anchored one (an upper bound) is decided
    // when a later event's time passes its window.
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-held-'));
    try {
      writeFileSync(path.join(dir, 'correlations.yml'), [
        `title: Seen twice\nid: 7a9f1c4e-0000-4000-8000-000000000001\nauthor: Test\nlevel: high\ncorrelation:\n  type: event_count\n  rules: [${often}]\n  group-by: [Computer]\n  timespan: 1h\n  condition: {gte: 2}\n  generate: true\n`,
        `title: Seldom\nid: 7a9f1c4e-0000-4000-8000-000000000002\nauthor: Test\nlevel: low\ncorrelation:\n  type: event_count\n  rules: [${other}]\n  timespan: 1m\n  condition: {lt: 100}\n`,
      ].join('---\n'));
      const loaded = await loadRulePaths([rulesDir, dir]);
      expect(loaded.correlations).toHaveLength(2);
      const { events, plain, ahead } = bothWays({ ruleSet: loaded.ruleSet, correlations: loaded.correlations }, records);
      const want = await plain;
      const kinds = new Set(want.hits.map((h) => h.detection.rule.title));
      expect(kinds.has('Seen twice') && kinds.has('Seldom')).toBe(true);
      expect(ahead.hits.map(key)).toEqual(want.hits.map(key));
      expect(ahead.count).toBe(events.length);
      expect(ahead.receivedAt).toEqual(want.receivedAt);
      // The raw fields travel for the events that matched a rule.
      const matchedIndexes = new Set(want.hits.filter((h) => h.detection.kind === 'rule').map((h) => h.index));
      for (const h of ahead.hits) {
        if (h.event.raw !== undefined) expect(h.event.raw).toEqual(events[h.index]!.raw);
        if (h.detection.kind === 'rule') expect(h.event.raw).toBeDefined();
      }
      expect(matchedIndexes.size).toBeGreaterThan(50);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a correlation decided at an event that matched nothing', () => {
  it('is found at that event, which travels without its raw fields', async () => {
    const loaded = loadRuleTexts([{
      path: 'rules/whoami.yml',
      text: `title: Whoami\nid: 11111111-2222-4333-8444-555555555555\nauthor: Test\nlevel: low\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n        Image|endswith: '\\\\whoami.exe'\n    condition: selection\n---\ntitle: Seldom whoami\nid: 11111111-2222-4333-8444-666666666666\nauthor: Test\nlevel: low\ncorrelation:\n    type: event_count\n    rules: [11111111-2222-4333-8444-555555555555]\n    group-by: [Hostname]\n    timespan: 1m\n    condition: {lt: 3}\n`,
    }]);
    expect(loaded.errors).toEqual([]);
    const sysmon = (image: string, minute: number) =>
      JSON.stringify({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'ws1', Image: image, CommandLine: image, '@timestamp': `2026-11-25T10:0${minute}:00.000Z` });
    const records = [sysmon('C:\\Windows\\System32\\whoami.exe', 0), sysmon('C:\\Windows\\notepad.exe', 5)];
    const { events, plain, ahead } = bothWays({ ruleSet: loaded.ruleSet, correlations: loaded.correlations }, records);
    const want = await plain;
    expect(want.hits.map((h) => [h.index, h.detection.rule.title, h.detection.correlation?.count])).toEqual([[1, 'Seldom whoami', 1]]);
    expect(ahead.hits.map(key)).toEqual(want.hits.map(key));
    expect(want.hits[0]!.event.raw).toBe(events[1]!.raw);
    expect(ahead.hits[0]!.event.raw).toBeUndefined();
  });
});

describe('indicators ahead of a hold', () => {
  const organisations = [{ id: 'org', parentId: null }, { id: 'producer', parentId: null }];
  const indicator = (n: number, pattern: string) => ({
    type: 'indicator', spec_version: '2.1', id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    created: '2026-11-01T00:00:00.000Z', modified: '2026-11-01T00:00:00.000Z', valid_from: '2026-11-01T00:00:00.000Z',
    pattern, pattern_type: 'stix', object_marking_refs: [TLP_MARKING_IDS.green],
  });
  const network = (ip: string, minute: number) =>
    JSON.stringify({ EventID: 3, Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'ws1', Image: 'C:\\x.exe', DestinationIp: ip, DestinationPort: 443, '@timestamp': `2026-11-25T10:${String(minute).padStart(2, '0')}:00.000Z` });
  const content = (): DetectionContent => ({ ruleSet: loadRuleTexts([]).ruleSet, correlations: [] });
  const sync = (e: InProcessDetectionEngine) => {
    e.syncIntel({ organisations });
    e.syncIntel({
      update: {
        reason: 'import', remove: [], at: 0,
        add: [
          { producerOrgId: 'producer', object: indicator(1, "[ipv4-addr:value = '198.51.100.7']") },
          { producerOrgId: 'producer', object: indicator(2, "([ipv4-addr:value = '198.51.100.9'] FOLLOWEDBY [ipv4-addr:value = '203.0.113.1']) WITHIN 600 SECONDS") },
        ],
      },
    });
  };

  it('matches stateless patterns while preparing and windowed ones when the batch is detected, as detection on the events does', async () => {
    const records = [network('198.51.100.7', 1), network('198.51.100.9', 2), network('203.0.113.1', 3), network('198.51.100.9', 4), network('198.51.100.7', 5)];
    const { events, plain, ahead } = bothWays(content(), records, sync, Date.parse('2026-11-25T10:10:00Z'));
    const hitKey = (h: BatchDetection['intelHits'][number]) => `${h.event.id}|${h.hit.indicatorId}|${h.hit.field}|${h.hit.value}`;
    const want = (await plain).intelHits.map(hitKey).sort();
    expect(want).toHaveLength(3);
    expect(ahead.intelHits.map(hitKey).sort()).toEqual(want);
    for (const h of ahead.intelHits) {
      // The windowed pattern completes at detection, on a held form without the raw fields.
      if (h.hit.indicatorId.endsWith('2')) expect(h.event.raw).toBeUndefined();
      else expect(h.event.raw).toEqual(events.find((e) => e.id === h.event.id)!.raw);
    }
  });
});

describe('a rule that throws while detecting ahead', () => {
  it('does not refuse the submission: nothing is held, so detection reads the batch from the store', () => {
    const real = loadRuleTexts([]).ruleSet;
    const throwing = Object.assign(Object.create(real) as typeof real, {
      match: () => {
        throw new Error('a broken matcher');
      },
    });
    const engine = new InProcessDetectionEngine({ ruleSet: throwing, correlations: [] }, new ManualClock(0), { ids: sequentialIds('e') });
    const req: PrepareRequest = { orgId: 'org', input: 'http', receivedAt: 5, records: ['{"EventID":1}', '{"EventID":2}'], hold: true, busJson: false };
    const prepared = engine.prepareAs(req, 0, 7);
    expect(prepared.rows).toHaveLength(2);
    expect(prepared.holder).toEqual({ engine: expect.any(Number), slot: 0, hold: 7 });
    expect(engine.heldEvents()).toBe(0);
    expect(engine.detectHold('org', 'b', 7)).toBeUndefined();
  });
});
