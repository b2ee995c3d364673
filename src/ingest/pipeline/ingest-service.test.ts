import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBus, type Bus, type BusMessage } from '../../bus/index.js';
import { createStore, orgScope, type Store } from '../../store/index.js';
import { ManualClock } from '../../shared/clock.js';
import { sequentialIds } from '../../shared/ids.js';
import { IngestMetrics } from './ingest-metrics.js';
import { encodeEvent, splitBySize } from './event-encoding.js';
import { IngestService } from './ingest-service.js';
import { PipelineSubjects, type EventBatch } from './pipeline-event.js';

const lines = (n: number) =>
  Array.from({ length: n }, (_, i) => `<34>1 2026-11-25T10:00:${String(i % 60).padStart(2, '0')}Z host app - ID${i} - message number ${i} ${'x'.repeat(200)}`);

describe('IngestService', () => {
  let store: Store;
  let bus: Bus;
  let inFlight: number;
  const subjects = new PipelineSubjects('t');
  const batches: EventBatch[] = [];

  beforeEach(async () => {
    store = await createStore(':memory:');
    await store.migrate();
    bus = await createBus('memory:');
    await bus.ensureStream({ name: subjects.ingestStream, subjects: [subjects.ingest('*')], workQueue: true });
    inFlight = 0;
    batches.length = 0;
  });
  afterEach(async () => {
    await bus.close();
    await store.close();
  });

  const service = (maxMessageBytes = Infinity, maxInFlight = 1_000_000) =>
    new IngestService({
      store, bus, clock: new ManualClock(1_764_064_800_000), ids: sequentialIds('e'), metrics: new IngestMetrics(new Registry()), subjects,
      maxInFlight, inFlight: () => inFlight, onQueued: (n) => (inFlight += n), maxMessageBytes,
    });

  async function received(count: number): Promise<void> {
    const consumer = await bus.consume<EventBatch>({ stream: subjects.ingestStream, group: 'g' }, async (m: BusMessage<EventBatch>) => {
      batches.push(m.data);
      await m.ack();
    });
    for (let i = 0; i < 100 && batches.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    await consumer.stop();
  }

  it('splits a large batch into bus messages under the size limit, each stored and pending on its own', async () => {
    const result = await service(8 * 1024).submit('org', 'http', lines(100), { idempotencyKey: 'k1' });
    expect(result.accepted).toBe(100);
    const pending = await store.scoped(orgScope('org')).events.pendingBatches();
    expect(pending.length).toBeGreaterThan(1);
    expect(pending.reduce((n, b) => n + b.count, 0)).toBe(100);
    await received(pending.length);
    expect(batches.map((b) => b.batchId).sort()).toEqual(pending.map((b) => b.batchId).sort());
    for (const b of batches) expect(Buffer.byteLength(JSON.stringify(b.events))).toBeLessThanOrEqual(8 * 1024);
    expect(batches.flatMap((b) => b.events.map((e) => e.id)).sort()).toEqual([...result.ids].sort());
  });

  it('counts a retried batch in flight once, and stores it once', async () => {
    const s = service();
    const first = await s.submit('org', 'http', lines(10), { idempotencyKey: 'same' });
    expect(inFlight).toBe(10);
    const again = await s.submit('org', 'http', lines(10), { idempotencyKey: 'same' });
    expect(again.ids).toEqual(first.ids);
    expect(inFlight).toBe(10);
    expect((await store.scoped(orgScope('org')).events.query({ limit: 100 })).items).toHaveLength(10);
  });

  it('answers RATE_LIMITED when the detection backlog is full, and reports bad records by index', async () => {
    const s = service(Infinity, 5);
    const r = await s.submit('org', 'http', ['not syslog at all', ...lines(5), '{"broken":']);
    expect(r.accepted).toBe(5);
    expect(r.rejected.map((x) => x.index)).toEqual([0, 6]);
    await expect(s.submit('org', 'http', lines(1))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it("merges the input's per-record ECS fields into the parsed events, stored and published, and leaves the others alone", async () => {
    const eve = '{"timestamp":"2026-11-25T10:00:00.000000+0000","event_type":"alert","src_ip":"10.0.0.5","src_port":4444,"dest_ip":"10.0.0.9","dest_port":80,"proto":"TCP"}';
    const peer = { 'log.source.address': '192.0.2.7:51514' } as const;
    // Index 1 is refused by the parser, index 2 has no fields from the input.
    const r = await service().submit('org', 'syslog-udp', [lines(1)[0]!, 'not syslog at all', lines(1)[0]!, eve], { recordEcs: [peer, peer, undefined, { 'log.source.address': '[2001:db8::1]:601' }] });
    expect(r.accepted).toBe(3);
    const ecsOf = async (id: string) => ((await store.scoped(orgScope('org')).events.get(id))?.data as { ecs: Record<string, unknown> }).ecs;
    expect(await ecsOf(r.ids[0]!)).toMatchObject({ 'log.source.address': '192.0.2.7:51514', 'log.syslog.hostname': 'host' });
    expect(await ecsOf(r.ids[1]!)).not.toHaveProperty('log.source.address');
    expect(await ecsOf(r.ids[2]!)).toMatchObject({ 'log.source.address': '[2001:db8::1]:601', 'source.ip': '10.0.0.5' });
    await received(1);
    expect(batches[0]!.events.map((e) => e.ecs['log.source.address'])).toEqual(['192.0.2.7:51514', undefined, '[2001:db8::1]:601']);
  });

  it('keeps events in order within the size-bounded chunks', () => {
    const events = Array.from({ length: 7 }, (_, i) => {
      const e = { id: `e${i}`, time: 0, receivedAt: 0, source: 's', sourceFormat: 'json' as const, message: null, raw: { pad: 'y'.repeat(100) }, ecs: {} };
      return encodeEvent('org', e, JSON.stringify(e.raw));
    });
    const chunks = splitBySize(events, 400);
    expect(chunks.flat().map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(chunks.length).toBeGreaterThan(1);
    expect(splitBySize(events, Infinity)).toHaveLength(1);
  });

  it('stores and publishes a JSON line as received, and other records re-encoded, decoding to the same event', async () => {
    const line = '{ "EventID" : 4688, "Channel":"Security", "Hostname": "ws1", "NewProcessName":"C:\\\\Windows\\\\cmd.exe", "note":"Stra\\u00dfe \u2713" }';
    const syslog = lines(1)[0]!;
    const result = await service().submit('org', 'http', [line, syslog]);
    expect(result.accepted).toBe(2);
    await received(1);
    const [onBus] = batches;
    const stored = await Promise.all(result.ids.map((id) => store.scoped(orgScope('org')).events.get(id)));
    expect(onBus!.events[0]!.raw).toEqual(JSON.parse(line));
    expect(stored[0]!.data).toEqual({ format: onBus!.events[0]!.sourceFormat, raw: JSON.parse(line), ecs: onBus!.events[0]!.ecs });
    expect(onBus!.events[1]!.sourceFormat).toBe('syslog5424');
    expect(stored[1]!.data).toEqual({ format: 'syslog5424', raw: onBus!.events[1]!.raw, ecs: onBus!.events[1]!.ecs });
    expect(onBus!.events.map((e) => e.id)).toEqual(result.ids);
  });

  it('takes a line body whole (split where it is parsed), with ids from the injected generator and rejects by line', async () => {
    const body = Buffer.from(`${lines(1)[0]}\n\n${'y'.repeat(300)}z\n${lines(2)[1]}\n`);
    const result = await service().submitLines('org', 'http', body, 300);
    expect(result.accepted).toBe(2);
    expect(result.rejected.map((r) => [r.index, r.code])).toEqual([[2, 'FRAME_TOO_LARGE']]);
    expect(Buffer.from(result.rejectedSample!).toString()).toBe(`${'y'.repeat(300)}z`);
    // Three lines counted (one refused for its size): e-1 and e-2 go to the two events, e-3 names the batch.
    expect(result.ids).toEqual(['e-1', 'e-2']);
    expect((await store.scoped(orgScope('org')).events.pendingBatches()).map((b) => b.batchId)).toEqual(['e-3']);
    const stored = await store.scoped(orgScope('org')).events.get('e-2');
    expect(stored!.message).toContain('message number 1');
  });
});
