import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import type { BusMessage } from '../bus.js';
import { sleep, waitFor } from '../bus-conformance.js';
import { MemoryGroup, type GroupConfig } from './memory-group.js';
import { MemoryStream } from './memory-stream.js';

function setup(config: Partial<GroupConfig> = {}, workQueue = true) {
  const stream = new MemoryStream({ name: 'wq', subjects: ['wq.>'], workQueue }, new ManualClock(), 60_000);
  const errors: string[] = [];
  const group = new MemoryGroup(
    stream,
    { filterSubject: undefined, ackWaitMs: 200, maxDeliver: 0, ...config },
    (seq) => (workQueue ? stream.remove(seq) : undefined),
    (_err, where) => errors.push(where),
  );
  const got: BusMessage<unknown>[] = [];
  return { stream, group, got, errors };
}

describe('MemoryGroup', () => {
  it('deletes acknowledged messages from a work-queue stream', async () => {
    const { stream, group, got } = setup();
    stream.append('wq.a', '1', 'a');
    stream.append('wq.a', '2', 'b');
    group.addMember(async (m) => void got.push(m), 10);
    await waitFor(() => got.length === 2, 'two deliveries');
    await got[0]!.ack();
    expect(stream.size).toBe(1);
    await got[1]!.ack();
    expect(stream.size).toBe(0);
  });

  it('counts a late ack after the deadline and cancels the queued redelivery', async () => {
    const { stream, group, got } = setup({ ackWaitMs: 100 });
    stream.append('wq.a', '1', 'a');
    const member = group.addMember(async (m) => void got.push(m), 1);
    await waitFor(() => got.length === 1, 'first delivery');
    await group.removeMember(member);
    await sleep(200); // deadline passes with nobody to redeliver to
    await got[0]!.ack();
    expect(stream.size).toBe(0);
    group.addMember(async (m) => void got.push(m), 1);
    await sleep(100);
    expect(got).toHaveLength(1);
  });

  it('ignores a nak from a delivery that already expired', async () => {
    const { stream, group, got } = setup({ ackWaitMs: 100 });
    stream.append('wq.a', '1', 'a');
    group.addMember(async (m) => void got.push(m), 1);
    await waitFor(() => got.length === 2, 'the redelivery after ack wait');
    await got[0]!.nak(); // stale: must not free the slot held by delivery 2 nor requeue
    await sleep(50);
    expect(got.map((m) => m.deliveryCount)).toEqual([1, 2]);
    await got[1]!.ack();
    group.close();
  });

  it('gives a message to a second member when the first is full', async () => {
    const { stream, group } = setup({}, false);
    const a: unknown[] = [];
    const b: unknown[] = [];
    group.addMember(async (m) => void a.push(m.data), 1);
    group.addMember(async (m) => void b.push(m.data), 1);
    stream.append('wq.a', '"x"', 'x');
    stream.append('wq.a', '"y"', 'y');
    stream.append('wq.a', '"z"', 'z');
    group.pump();
    await sleep(20);
    expect([a, b]).toEqual([['x'], ['y']]);
    group.close();
  });
});
