import { randomBytes } from 'node:crypto';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test/services.js';
import { waitFor } from '../bus-conformance.js';
import { NatsBus } from './nats-bus.js';

const url = process.env.SHIELDWALL_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const natsUp = await requireService(`NATS JetStream at ${url}`, async () => {
  await (await NatsBus.connect(url, { timeoutMs: 2_000 })).close();
});

/** What NatsBus asks of the server, checked against the server's own view of streams and consumers. */
describe.runIf(natsUp)('NatsBus (NATS only)', () => {
  const id = randomBytes(5).toString('hex');
  const errors: string[] = [];
  let bus: NatsBus;
  const streams: string[] = [];

  beforeAll(async () => {
    bus = await NatsBus.connect(url, { onError: (err, where) => errors.push(`${where}: ${(err as Error).message}`) });
  });
  afterAll(async () => {
    for (const s of streams) await bus.deleteStream(s);
    await bus.close();
  });

  async function withManager<T>(fn: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>): Promise<T> {
    const nc = await connect({ servers: url });
    try {
      return await fn(await jetstreamManager(nc));
    } finally {
      await nc.close();
    }
  }

  it('creates a file-backed stream with retention, age, dedup window and count limits', async () => {
    const name = `nd_${id}_wq`;
    streams.push(name);
    await bus.ensureStream({ name, subjects: [`nd.${id}.wq.>`], workQueue: true, maxAgeMs: 60_000, maxMessages: 500 });
    const cfg = await withManager(async (jsm) => (await jsm.streams.info(name)).config);
    expect(cfg).toMatchObject({
      storage: StorageType.File,
      retention: RetentionPolicy.Workqueue,
      max_age: 60_000 * 1e6,
      duplicate_window: 60_000 * 1e6,
      max_msgs: 500,
      subjects: [`nd.${id}.wq.>`],
    });
  });

  it('makes one durable, explicitly acknowledged pull consumer per group and updates its limits', async () => {
    const name = `nd_${id}_c`;
    streams.push(name);
    await bus.ensureStream({ name, subjects: [`nd.${id}.c.>`] });
    const opts = { stream: name, group: 'detectors', filterSubject: `nd.${id}.c.events`, ackWaitMs: 700, maxDeliver: 4 };
    const c1 = await bus.consume({ ...opts, maxInFlight: 8 }, async () => {});
    const first = await withManager(async (jsm) => (await jsm.consumers.info(name, 'detectors')).config);
    expect(first).toMatchObject({
      durable_name: 'detectors',
      ack_policy: AckPolicy.Explicit,
      ack_wait: 700 * 1e6,
      max_deliver: 4,
      max_ack_pending: 8,
      filter_subject: `nd.${id}.c.events`,
    });
    const c2 = await bus.consume({ ...opts, maxInFlight: 16 }, async () => {});
    const updated = await withManager(async (jsm) => (await jsm.consumers.info(name, 'detectors')).config);
    expect(updated.max_ack_pending).toBe(16);
    await c1.stop();
    await c2.stop();
  });

  it('shares a group between separate connections (as separate processes would)', async () => {
    const name = `nd_${id}_p`;
    streams.push(name);
    await bus.ensureStream({ name, subjects: [`nd.${id}.p.>`] });
    const [p1, p2] = await Promise.all([NatsBus.connect(url), NatsBus.connect(url)]);
    const seen = new Map<number, string[]>();
    const worker = (who: string) => async (m: { data: number; ack(): Promise<void> }) => {
      seen.set(m.data, [...(seen.get(m.data) ?? []), who]);
      await new Promise((r) => setTimeout(r, 5));
      await m.ack();
    };
    await p1.consume<number>({ stream: name, group: 'shared', maxInFlight: 4 }, worker('p1'));
    await p2.consume<number>({ stream: name, group: 'shared', maxInFlight: 4 }, worker('p2'));
    for (let i = 0; i < 60; i++) await bus.publish(`nd.${id}.p.job`, i);
    await waitFor(() => seen.size === 60, '60 distinct messages');
    await Promise.all([p1.close(), p2.close()]);
    const holders = [...seen.values()];
    expect(holders.every((h) => h.length === 1)).toBe(true);
    expect(holders.filter((h) => h[0] === 'p1').length).toBeGreaterThan(0);
    expect(holders.filter((h) => h[0] === 'p2').length).toBeGreaterThan(0);
  });

  it('terminates a message that is not JSON, reports it, and goes on', async () => {
    const name = `nd_${id}_j`;
    streams.push(name);
    await bus.ensureStream({ name, subjects: [`nd.${id}.j.>`] });
    const nc = await connect({ servers: url });
    await jetstream(nc).publish(`nd.${id}.j.raw`, 'not json {');
    await nc.close();
    await bus.publish(`nd.${id}.j.ok`, { fine: true });
    const got: unknown[] = [];
    const c = await bus.consume({ stream: name, group: 'g', ackWaitMs: 300 }, async (m) => {
      got.push(m.data);
      await m.ack();
    });
    await waitFor(() => got.length === 1 && errors.length === 1, 'the good message and one error');
    await new Promise((r) => setTimeout(r, 700));
    expect(got).toEqual([{ fine: true }]);
    expect(errors[0]).toMatch(/payload is not JSON/);
    await c.stop();
  });

  it('keeps the ack of a handler that finished during close: another connection does not see it again', async () => {
    const name = `nd_${id}_k`;
    streams.push(name);
    await bus.ensureStream({ name, subjects: [`nd.${id}.k.>`] });
    const first = await NatsBus.connect(url);
    await first.publish(`nd.${id}.k.job`, 'once');
    let finished = false;
    await first.consume({ stream: name, group: 'g', ackWaitMs: 300 }, async (m) => {
      await new Promise((r) => setTimeout(r, 150));
      await m.ack();
      finished = true;
    });
    await new Promise((r) => setTimeout(r, 60));
    await first.close();
    expect(finished).toBe(true);
    const again: unknown[] = [];
    const c = await bus.consume({ stream: name, group: 'g', ackWaitMs: 300 }, async (m) => {
      again.push(m.data);
      await m.ack();
    });
    await new Promise((r) => setTimeout(r, 800));
    expect(again).toEqual([]);
    await c.stop();
  });

  it('answers ping when connected and BUS_UNAVAILABLE once closed', async () => {
    const other = await NatsBus.connect(url);
    await expect(other.ping()).resolves.toBeUndefined();
    await other.close();
    await expect(other.ping()).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
    await expect(other.publish(`nd.${id}.x`, 1)).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
  });
});
