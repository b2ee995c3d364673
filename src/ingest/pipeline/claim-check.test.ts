import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBus, JsonText, type Bus } from '../../bus/index.js';
import { createStore, orgScope, type Store } from '../../store/index.js';
import { ManualClock } from '../../shared/clock.js';
import { sequentialIds } from '../../shared/ids.js';
import { loadRuleTexts } from '../../sigma/index.js';
import { InProcessDetectionEngine } from './detection-engine.js';
import { IngestMetrics } from './ingest-metrics.js';
import { IngestService } from './ingest-service.js';
import { Pipeline } from './pipeline.js';
import { PipelineSubjects } from './pipeline-event.js';

const whoamiRule = `title: Whoami
id: 11111111-2222-4333-8444-555555555555
author: Test
level: low
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\\\whoami.exe'
    condition: selection
`;

/** Sysmon process creations; the whoami ones match the rule. */
const sysmon = (image: string, n: number) =>
  JSON.stringify({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'ws1', Image: image, CommandLine: `${image} ${n}`, UtcTime: '2026-11-25 10:00:00.000' });
const records = (n: number) => Array.from({ length: n }, (_, i) => sysmon(i % 2 === 0 ? 'C:\\Windows\\System32\\whoami.exe' : 'C:\\Windows\\notepad.exe', i));

function engine(maxHeldEvents?: number): InProcessDetectionEngine {
  const loaded = loadRuleTexts([{ path: 'rules/whoami.yml', text: whoamiRule }]);
  expect(loaded.errors).toEqual([]);
  return new InProcessDetectionEngine({ ruleSet: loaded.ruleSet, correlations: [] }, new ManualClock(0), maxHeldEvents === undefined ? {} : { maxHeldEvents });
}

describe('claim-checked batches (in-process bus)', () => {
  let store: Store;
  let bus: Bus;
  let published: unknown[];
  const clock = new ManualClock(1_764_064_800_000);

  beforeEach(async () => {
    store = await createStore(':memory:');
    await store.migrate();
    bus = await createBus('memory:');
    published = [];
    const publish = bus.publish.bind(bus);
    bus.publish = (subject, data, opts) => {
      if (subject.includes('.ingest.')) published.push(data);
      return publish(subject, data, opts);
    };
  });
  afterEach(async () => {
    await bus.close();
    await store.close();
  });

  const pipeline = (e: InProcessDetectionEngine) => new Pipeline({ store, bus, clock, ids: sequentialIds('p'), registry: new Registry(), engine: e });
  const alertCount = async () => (await store.scoped(orgScope('org')).alerts.query({ limit: 1000 })).items.length;
  async function drained(p: Pipeline): Promise<void> {
    for (let i = 0; i < 200 && p.detection.inFlight() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(p.detection.inFlight()).toBe(0);
  }

  it('publishes a small claim check and detects on the events the engine kept, without reading the store', async () => {
    const e = engine();
    const p = pipeline(e);
    await p.start();
    try {
      const r = await p.ingest.submit('org', 'http', records(6));
      expect(r.accepted).toBe(6);
      expect(published).toHaveLength(1);
      const text = (published[0] as JsonText).text;
      expect(JSON.parse(text)).toEqual({ claim: { engine: expect.any(Number), slot: 0, hold: 1 }, orgId: 'org', batchId: 'p-7', count: 6, receivedAt: clock.now() });
      expect(text.length).toBeLessThan(200);
      await drained(p);
      expect(await alertCount()).toBe(3);
      expect(p.detection.fromStore).toBe(0);
      expect(e.heldEvents()).toBe(0);
      expect(await store.scoped(orgScope('org')).events.pendingBatches()).toEqual([]);
    } finally {
      await p.stop();
    }
  });

  it('detects a retried batch once: the retry keeps no hold and its check is de-duplicated on the bus', async () => {
    const e = engine();
    const p = pipeline(e);
    await p.start();
    try {
      const first = await p.ingest.submit('org', 'http', records(6), { idempotencyKey: 'k' });
      await drained(p);
      const again = await p.ingest.submit('org', 'http', records(6), { idempotencyKey: 'k' });
      expect(again.ids).toEqual(first.ids);
      expect(e.heldEvents()).toBe(0);
      expect(published).toHaveLength(2);
      await new Promise((r) => setTimeout(r, 50));
      const detected = await p.metrics.detected.get();
      expect(detected.values.reduce((n, v) => n + v.value, 0)).toBe(6);
      expect(await alertCount()).toBe(3);
      expect(p.detection.fromStore).toBe(0);
    } finally {
      await p.stop();
    }
  });

  it('reads a batch from the store when its holder dropped it (bound reached) or was replaced (rules reload)', async () => {
    const first = engine(8);
    const p = pipeline(first);
    await bus.ensureStream({ name: p.subjects.ingestStream, subjects: [p.subjects.ingest('*')], workQueue: true });
    await bus.ensureStream({ name: p.subjects.alertStream, subjects: [p.subjects.alerts('*')] });
    // Detection is not running yet: the second batch pushes the first out of an 8-event hold.
    await p.ingest.submit('org', 'http', records(6));
    await p.ingest.submit('org', 'http', records(6));
    expect(first.heldEvents()).toBe(6);
    await p.detection.start();
    try {
      await drained(p);
      expect(p.detection.fromStore).toBe(1);
      expect(await alertCount()).toBe(6);
      // Held by an engine that a reload replaced: the new engine holds nothing of it.
      await p.detection.stop();
      await p.ingest.submit('org', 'http', records(4));
      expect(first.heldEvents()).toBe(4);
      await p.detection.reload(engine());
      await p.detection.start();
      await drained(p);
      expect(p.detection.fromStore).toBe(2);
      expect(await alertCount()).toBe(8);
      expect(await store.scoped(orgScope('org')).events.pendingBatches()).toEqual([]);
    } finally {
      await p.stop();
    }
  });

  it('stores an alert raised at an event that matched nothing with that event’s raw fields, read from the store', async () => {
    const loaded = loadRuleTexts([{
      path: 'rules/whoami.yml',
      text: `${whoamiRule}---\ntitle: Seldom whoami\nid: 11111111-2222-4333-8444-666666666666\nauthor: Test\nlevel: low\ncorrelation:\n    type: event_count\n    rules: [11111111-2222-4333-8444-555555555555]\n    group-by: [Hostname]\n    timespan: 1m\n    condition: {lt: 3}\n`,
    }]);
    expect(loaded.errors).toEqual([]);
    const p = pipeline(new InProcessDetectionEngine({ ruleSet: loaded.ruleSet, correlations: loaded.correlations }, new ManualClock(0)));
    await p.start();
    try {
      const at = (image: string, minute: number) =>
        JSON.stringify({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'ws1', Image: image, '@timestamp': `2026-11-25T10:0${minute}:00.000Z` });
      const r = await p.ingest.submit('org', 'http', [at('C:\\Windows\\System32\\whoami.exe', 0), at('C:\\Windows\\notepad.exe', 5)]);
      await drained(p);
      const alerts = (await store.scoped(orgScope('org')).alerts.query({ limit: 10 })).items;
      expect(alerts.map((a) => [a.ruleTitle, a.eventId])).toEqual([['Seldom whoami', r.ids[1]]]);
      expect((alerts[0]!.data as { event: { raw: Record<string, unknown> } }).event.raw).toMatchObject({ Image: 'C:\\Windows\\notepad.exe', Hostname: 'ws1' });
      expect(p.detection.fromStore).toBe(0);
    } finally {
      await p.stop();
    }
  });

  it('lets the hold go when the store insert or the publish fails, and counts nothing in flight', async () => {
    const subjects = new PipelineSubjects('t');
    const e = engine();
    let inFlight = 0;
    const service = new IngestService({
      store, bus, clock, ids: sequentialIds('e'), metrics: new IngestMetrics(new Registry()), subjects,
      maxInFlight: 1_000_000, inFlight: () => inFlight, onQueued: (n) => (inFlight += n), engine: () => e, claimChecks: true,
    });
    // No stream captures the ingest subject yet: the publish fails after the insert.
    await expect(service.submit('org', 'http', records(4))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(e.heldEvents()).toBe(0);
    expect(inFlight).toBe(0);
    // The stored batch stays pending: a restart re-queues it.
    expect((await store.scoped(orgScope('org')).events.pendingBatches()).map((b) => b.count)).toEqual([4]);

    await bus.ensureStream({ name: subjects.ingestStream, subjects: [subjects.ingest('*')], workQueue: true });
    await store.close();
    await expect(service.submit('org', 'http', records(4))).rejects.toThrow();
    expect(e.heldEvents()).toBe(0);
    expect(inFlight).toBe(0);
    expect(published).toHaveLength(1);
    store = await createStore(':memory:');
  });
});
