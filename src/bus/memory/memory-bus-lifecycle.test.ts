import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { sequentialIds } from '../../shared/ids.js';
import { sleep, waitFor } from '../bus-conformance.js';
import { MemoryBus } from './memory-bus.js';

describe('MemoryBus (memory only)', () => {
  it('uses the injected clock for the dedup window and ids for missing msgIds', async () => {
    const clock = new ManualClock(0);
    const bus = new MemoryBus({ clock, ids: sequentialIds('m'), dedupWindowMs: 1_000 });
    await bus.ensureStream({ name: 's', subjects: ['s.>'] });
    await bus.publish('s.a', 1, { msgId: 'k' });
    clock.advance(999);
    await bus.publish('s.a', 2, { msgId: 'k' });
    clock.advance(1);
    await bus.publish('s.a', 3, { msgId: 'k' });
    await bus.publish('s.a', 4);
    const got: [unknown, string][] = [];
    await bus.consume({ stream: 's', group: 'g' }, async (m) => {
      got.push([m.data, m.msgId]);
      await m.ack();
    });
    await waitFor(() => got.length === 3, 'three stored messages');
    expect(got).toEqual([
      [1, 'k'],
      [3, 'k'],
      [4, 'm-1'],
    ]);
    await bus.close();
  });

  it('gives each delivery its own copy of the data', async () => {
    const bus = new MemoryBus();
    await bus.ensureStream({ name: 's', subjects: ['s.>'] });
    const original = { list: [1] };
    await bus.publish('s.a', original);
    original.list.push(2);
    const seen: unknown[] = [];
    await bus.consume<{ list: number[] }>({ stream: 's', group: 'g1' }, async (m) => {
      seen.push(structuredClone(m.data));
      m.data.list.push(99);
      await m.ack();
    });
    await bus.consume({ stream: 's', group: 'g2' }, async (m) => {
      seen.push(m.data);
      await m.ack();
    });
    await waitFor(() => seen.length === 2, 'both groups');
    expect(seen).toEqual([{ list: [1] }, { list: [1] }]);
    await bus.close();
  });

  it('close waits for running handlers, then refuses calls with BUS_UNAVAILABLE', async () => {
    const bus = new MemoryBus();
    await bus.ensureStream({ name: 's', subjects: ['s.>'] });
    let finished = false;
    await bus.consume({ stream: 's', group: 'g' }, async (m) => {
      await sleep(100);
      finished = true;
      await m.ack();
    });
    await bus.publish('s.a', 1);
    await sleep(10);
    await bus.close();
    expect(finished).toBe(true);
    await expect(bus.publish('s.a', 2)).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
    await expect(bus.ping()).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
  });

  it('reports handler and subscriber errors to onError without stopping delivery', async () => {
    const errors: string[] = [];
    const bus = new MemoryBus({ onError: (err, where) => errors.push(`${where}: ${(err as Error).message}`) });
    await bus.ensureStream({ name: 's', subjects: ['s.>'] });
    await bus.subscribe('s.*', () => {
      throw new Error('subscriber broke');
    });
    await bus.consume({ stream: 's', group: 'g' }, async () => {
      throw new Error('handler broke');
    });
    await bus.publish('s.a', 1);
    await waitFor(() => errors.length === 2, 'both errors');
    expect(errors.sort()).toEqual([
      'consumer handler for s.a (delivery 1): handler broke',
      'subscriber of s.* on s.a: subscriber broke',
    ]);
    await bus.close();
  });
});
