import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requireService } from '../../../test/services.js';
import { MemoryBus, NatsBus, type Bus } from '../../bus/index.js';
import { IndicatorBroadcast, splitUpdate, type IndicatorUpdate } from './indicator-broadcast.js';

const natsUrl = process.env.SHIELDWALL_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const natsUp = await requireService(`NATS JetStream at ${natsUrl}`, async () => {
  const bus = await NatsBus.connect(natsUrl, { timeoutMs: 2_000 });
  await bus.close();
});

function indicator(n: number) {
  return {
    producerOrgId: 'member-1',
    object: { type: 'indicator', id: `indicator--${randomUUID()}`, pattern: `[ipv4-addr:value = '10.0.${n >> 8}.${n & 255}']`, pattern_type: 'stix' },
  };
}

/** Subscribes now; the returned promise resolves once `n` updates arrived. */
async function received(b: IndicatorBroadcast, n: number): Promise<{ done: Promise<IndicatorUpdate[]> }> {
  const got: IndicatorUpdate[] = [];
  let resolve!: (u: IndicatorUpdate[]) => void;
  const done = new Promise<IndicatorUpdate[]>((r) => (resolve = r));
  await b.subscribe((u) => {
    got.push(u);
    if (got.length === n) resolve(got);
  });
  return { done };
}

describe('splitUpdate', () => {
  it('keeps each part under the limit and every indicator exactly once', () => {
    const add = Array.from({ length: 500 }, (_, i) => indicator(i));
    const parts = splitUpdate({ reason: 'import', add, remove: ['indicator--gone'], at: 1 }, 10_000);
    expect(parts.length).toBeGreaterThan(5);
    for (const p of parts) expect(JSON.stringify(p).length).toBeLessThanOrEqual(10_000);
    expect(parts.flatMap((p) => p.add)).toEqual(add);
    expect(parts.flatMap((p) => p.remove)).toEqual(['indicator--gone']);
  });
});

function channelSuite(name: string, open: () => Promise<Bus>) {
  it(`${name}: every subscriber of every connection receives a published update`, async () => {
    const ns = `ewtest${randomUUID().slice(0, 8)}`;
    const a = await open();
    const b = name === 'memory' ? a : await open();
    try {
      const pa = new IndicatorBroadcast(a, ns);
      const pb = new IndicatorBroadcast(b, ns);
      await pa.start();
      await pb.start();
      const both = Promise.all([(await received(pa, 1)).done, (await received(pb, 1)).done]);
      const update: IndicatorUpdate = { reason: 'confirm', add: [indicator(1)], remove: [], confirmedBy: 'member-2', at: Date.now() };
      await pb.publish(update);
      const [ga, gb] = await both;
      expect(ga).toEqual([update]);
      expect(gb).toEqual([update]);
    } finally {
      if (b !== a) await b.deleteStream(`${ns}_INTEL`).catch(() => undefined);
      await a.deleteStream(`${ns}_INTEL`).catch(() => undefined);
      await a.close();
      if (b !== a) await b.close();
    }
  });
}

describe('IndicatorBroadcast', () => {
  channelSuite('memory', async () => new MemoryBus());
  describe.runIf(natsUp)('on NATS', () => {
    channelSuite('nats', () => NatsBus.connect(natsUrl, { onError: () => {} }));
  });
});
