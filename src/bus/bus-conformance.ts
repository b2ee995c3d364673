import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bus, BusMessage, ConsumeOptions, StreamDef } from './bus.js';
import { JsonText } from './json-payload.js';

/**
 * The behaviour every bus adapter must show, declared once and run against each adapter
 * (memory-bus.test.ts, nats-bus.test.ts), as Hono does for its routers. Every test makes its own
 * streams with a random suffix and deletes them afterwards, so runs against a shared NATS never
 * collide. Ack waits are short (300-600 ms) to keep the NATS run well under a minute.
 */

/** Resolves once `check` holds, polling every 20 ms; fails with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Delivery<T> {
  msg: BusMessage<T>;
  at: number;
}

/** Declares the conformance `describe` for one adapter; `factory` gives a fresh, connected bus. */
export function busConformance(name: string, factory: () => Promise<Bus>): void {
  describe(`bus conformance: ${name}`, () => {
    let bus: Bus;
    const cleanups: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      bus = await factory();
    });
    afterAll(async () => {
      await bus.close();
    });
    afterEach(async () => {
      // Newest first: consumers stop before their streams are deleted.
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    /** A fresh stream capturing `cf.<id>.>`; `subject('a')` names a subject inside it. */
    async function stream(def: Partial<StreamDef> = {}) {
      const id = randomBytes(5).toString('hex');
      const full: StreamDef = { name: `cf_${id}`, subjects: [`cf.${id}.>`], ...def };
      await bus.ensureStream(full);
      cleanups.push(() => bus.deleteStream(full.name));
      return { name: full.name, subject: (s: string) => `cf.${id}.${s}` };
    }

    /** Consumes into an array; `onMsg` decides what to do with each delivery (default: ack). */
    async function collect<T>(
      opts: ConsumeOptions,
      onMsg: (m: BusMessage<T>) => Promise<void> = (m) => m.ack(),
    ) {
      const got: Delivery<T>[] = [];
      const consumer = await bus.consume<T>(opts, async (msg) => {
        got.push({ msg, at: Date.now() });
        await onMsg(msg);
      });
      cleanups.push(() => consumer.stop());
      return { got, consumer };
    }

    it('round-trips subject, data and msgId, first delivery counted 1', async () => {
      const s = await stream();
      const data = { n: 1, text: 'Straße ✓', list: [1, 'two', null], nested: { ok: true } };
      await bus.publish(s.subject('round'), data, { msgId: 'm-1' });
      const { got } = await collect<typeof data>({ stream: s.name, group: 'g' });
      await waitFor(() => got.length === 1, 'the message');
      const m = got[0]!.msg;
      expect(m.subject).toBe(s.subject('round'));
      expect(m.data).toEqual(data);
      expect(m.msgId).toBe('m-1');
      expect(m.deliveryCount).toBe(1);
    });

    it('publishes JsonText as is; decode:false consumers get the JSON text, others the value', async () => {
      const s = await stream();
      const data = { n: 2, text: 'Straße ✓', list: [1, null] };
      await bus.publish(s.subject('pre'), new JsonText(JSON.stringify(data)), { msgId: 'pre-1' });
      const decoded = await collect<typeof data>({ stream: s.name, group: 'decoded' });
      const text = await collect<string>({ stream: s.name, group: 'text', decode: false });
      await waitFor(() => decoded.got.length === 1 && text.got.length === 1, 'both deliveries');
      expect(decoded.got[0]!.msg.data).toEqual(data);
      expect(text.got[0]!.msg.data).toBe(JSON.stringify(data));
      expect(text.got[0]!.msg.msgId).toBe('pre-1');
    });

    it('assigns a msgId when the publisher gives none', async () => {
      const s = await stream();
      await bus.publish(s.subject('a'), 1);
      await bus.publish(s.subject('a'), 2);
      const { got } = await collect({ stream: s.name, group: 'g' });
      await waitFor(() => got.length === 2, 'both messages');
      const ids = got.map((d) => d.msg.msgId);
      expect(ids[0]).toBeTruthy();
      expect(ids[0]).not.toBe(ids[1]);
    });

    it('does not redeliver acknowledged messages', async () => {
      const s = await stream();
      for (let i = 0; i < 3; i++) await bus.publish(s.subject('a'), i);
      const { got } = await collect<number>({ stream: s.name, group: 'g', ackWaitMs: 300 });
      await waitFor(() => got.length === 3, 'three messages');
      await sleep(900);
      expect(got.map((d) => d.msg.data)).toEqual([0, 1, 2]);
    });

    it('redelivers an unacknowledged message after ackWait with deliveryCount 2', async () => {
      const s = await stream();
      await bus.publish(s.subject('a'), 'x');
      const { got } = await collect<string>({ stream: s.name, group: 'g', ackWaitMs: 400 }, async (m) => {
        if (m.deliveryCount > 1) await m.ack();
      });
      await waitFor(() => got.length === 2, 'the redelivery');
      expect(got.map((d) => d.msg.deliveryCount)).toEqual([1, 2]);
      expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(350);
      await sleep(700);
      expect(got).toHaveLength(2);
    });

    it('redelivers after the nak delay, and at once on a plain nak', async () => {
      const s = await stream();
      await bus.publish(s.subject('late'), 'late');
      await bus.publish(s.subject('now'), 'now');
      const { got } = await collect<string>({ stream: s.name, group: 'g', ackWaitMs: 5_000 }, async (m) => {
        if (m.deliveryCount > 1) return m.ack();
        return m.data === 'late' ? m.nak(600) : m.nak();
      });
      await waitFor(() => got.length === 4, 'both redeliveries');
      const times = (v: string) => got.filter((d) => d.msg.data === v);
      const [late1, late2] = times('late');
      const [now1, now2] = times('now');
      expect(late2!.msg.deliveryCount).toBe(2);
      expect(late2!.at - late1!.at).toBeGreaterThanOrEqual(550);
      expect(now2!.msg.deliveryCount).toBe(2);
      expect(now2!.at - now1!.at).toBeLessThan(500);
    });

    it('shares one group between two members: each message to exactly one, all delivered', async () => {
      const s = await stream();
      const opts = { stream: s.name, group: 'workers', maxInFlight: 2 };
      const slowAck = async (m: BusMessage<number>) => {
        await sleep(15);
        await m.ack();
      };
      const a = await collect<number>(opts, slowAck);
      const b = await collect<number>(opts, slowAck);
      for (let i = 0; i < 30; i++) await bus.publish(s.subject('job'), i);
      await waitFor(() => a.got.length + b.got.length >= 30, '30 deliveries');
      await sleep(300);
      const all = [...a.got, ...b.got].map((d) => d.msg.data).sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(a.got.length).toBeGreaterThan(0);
      expect(b.got.length).toBeGreaterThan(0);
    });

    it('gives every message to each of two different groups', async () => {
      const s = await stream();
      for (let i = 0; i < 5; i++) await bus.publish(s.subject('e'), i);
      const g1 = await collect<number>({ stream: s.name, group: 'g1' });
      const g2 = await collect<number>({ stream: s.name, group: 'g2' });
      await waitFor(() => g1.got.length === 5 && g2.got.length === 5, 'five messages in each group');
      expect(g1.got.map((d) => d.msg.data)).toEqual([0, 1, 2, 3, 4]);
      expect(g2.got.map((d) => d.msg.data)).toEqual([0, 1, 2, 3, 4]);
    });

    it('stops redelivering after maxDeliver deliveries', async () => {
      const s = await stream();
      await bus.publish(s.subject('poison'), 'p');
      const { got } = await collect({ stream: s.name, group: 'g', ackWaitMs: 300, maxDeliver: 2 }, async () => {});
      await waitFor(() => got.length === 2, 'two deliveries');
      await sleep(1_000);
      expect(got.map((d) => d.msg.deliveryCount)).toEqual([1, 2]);
    });

    it('stores a msgId once within the dedup window', async () => {
      const s = await stream();
      await bus.publish(s.subject('d'), 'first', { msgId: 'dup-1' });
      await bus.publish(s.subject('d'), 'again', { msgId: 'dup-1' });
      await bus.publish(s.subject('d'), 'other', { msgId: 'dup-2' });
      const { got } = await collect<string>({ stream: s.name, group: 'g' });
      await waitFor(() => got.length === 2, 'two distinct messages');
      await sleep(300);
      expect(got.map((d) => d.msg.data)).toEqual(['first', 'other']);
    });

    it('delivers only subjects matching filterSubject', async () => {
      const s = await stream();
      await bus.publish(s.subject('alert.high'), 1);
      await bus.publish(s.subject('event.x'), 2);
      await bus.publish(s.subject('alert.low'), 3);
      const { got } = await collect<number>({ stream: s.name, group: 'alerts', filterSubject: s.subject('alert.*') });
      await waitFor(() => got.length === 2, 'two alerts');
      await sleep(300);
      expect(got.map((d) => d.msg.data)).toEqual([1, 3]);
    });

    it('fans live messages out to every subscriber, and stops after unsubscribe', async () => {
      const s = await stream();
      const one: [string, unknown][] = [];
      const two: [string, unknown][] = [];
      const sub1 = await bus.subscribe(s.subject('live.*'), (subj, data) => one.push([subj, data]));
      const sub2 = await bus.subscribe(s.subject('live.*'), (subj, data) => two.push([subj, data]));
      cleanups.push(() => sub1.unsubscribe(), () => sub2.unsubscribe());
      await bus.publish(s.subject('live.a'), { v: 1 });
      await waitFor(() => one.length === 1 && two.length === 1, 'both subscribers');
      expect(one[0]).toEqual([s.subject('live.a'), { v: 1 }]);
      expect(two[0]).toEqual(one[0]);
      await sub1.unsubscribe();
      await bus.publish(s.subject('live.b'), { v: 2 });
      await bus.publish(s.subject('other'), { v: 3 });
      await waitFor(() => two.length === 2, 'the second message');
      await sleep(200);
      expect(one).toHaveLength(1);
      expect(two[1]).toEqual([s.subject('live.b'), { v: 2 }]);
    });

    it('delivers messages published before the consumer started, in order', async () => {
      const s = await stream();
      for (let i = 0; i < 10; i++) await bus.publish(s.subject('early'), i);
      const { got } = await collect<number>({ stream: s.name, group: 'late-joiner' });
      await waitFor(() => got.length === 10, 'ten stored messages');
      expect(got.map((d) => d.msg.data)).toEqual([...Array(10).keys()]);
    });

    it('resumes a stopped group without losing unacknowledged messages', async () => {
      const s = await stream();
      const opts = { stream: s.name, group: 'resume', ackWaitMs: 500 };
      for (let i = 0; i < 4; i++) await bus.publish(s.subject('r'), i);
      const first = await collect<number>(opts, async (m) => {
        if (m.data < 2) await m.ack();
      });
      await waitFor(() => first.got.length === 4, 'four first deliveries');
      await first.consumer.stop();
      await bus.publish(s.subject('r'), 4);
      const second = await collect<number>(opts);
      await waitFor(() => second.got.length === 3, 'two redeliveries and the new message', 8_000);
      await sleep(700);
      const seen = second.got.map((d) => [d.msg.data, d.msg.deliveryCount]).sort((x, y) => x[0]! - y[0]!);
      expect(seen).toEqual([
        [2, 2],
        [3, 2],
        [4, 1],
      ]);
    });

    it('holds a member to maxInFlight unacknowledged messages', async () => {
      const s = await stream();
      for (let i = 0; i < 6; i++) await bus.publish(s.subject('w'), i);
      let running = 0;
      let peak = 0;
      const { got } = await collect<number>({ stream: s.name, group: 'g', maxInFlight: 2 }, async (m) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(60);
        running--;
        await m.ack();
      });
      await waitFor(() => got.length === 6, 'six messages');
      expect(peak).toBe(2);
    });

    it('delivers no more than maxInFlight unacknowledged messages until they expire', async () => {
      const s = await stream();
      for (let i = 0; i < 5; i++) await bus.publish(s.subject('held'), i);
      const { got } = await collect<number>({ stream: s.name, group: 'g', maxInFlight: 2, ackWaitMs: 600 }, async () => {});
      await waitFor(() => got.length === 2, 'two deliveries');
      await sleep(300);
      expect(got.map((d) => d.msg.data)).toEqual([0, 1]);
      await waitFor(() => got.length >= 4, 'the next deliveries after ack wait');
      expect(got.slice(0, 4).every((d, i) => i < 2 || d.at - got[0]!.at >= 500)).toBe(true);
    });

    it('close waits for running handlers, then refuses calls with BUS_UNAVAILABLE', async () => {
      const own = await factory();
      const id = randomBytes(5).toString('hex');
      const name = `cf_${id}`;
      // Deleted through the shared bus: on NATS it is the same server, on memory a no-op.
      cleanups.push(() => bus.deleteStream(name));
      await own.ensureStream({ name, subjects: [`cf.${id}.>`] });
      await own.publish(`cf.${id}.c`, 'once');
      let finished = false;
      await own.consume({ stream: name, group: 'g' }, async (m) => {
        await sleep(150);
        await m.ack();
        finished = true;
      });
      await sleep(60); // the handler is now running
      await own.close();
      expect(finished).toBe(true);
      await expect(own.publish(`cf.${id}.c`, 'late')).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
      await expect(own.ping()).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
    });

    it('redelivers the message of a handler that throws, and keeps consuming', async () => {
      const s = await stream();
      await bus.publish(s.subject('boom'), 'boom');
      await bus.publish(s.subject('fine'), 'fine');
      const { got } = await collect<string>({ stream: s.name, group: 'g', ackWaitMs: 300 }, async (m) => {
        if (m.data === 'boom' && m.deliveryCount === 1) throw new Error('handler failure (expected by the test)');
        await m.ack();
      });
      await waitFor(() => got.length === 3, 'the redelivery of the failed message');
      expect(got.map((d) => [d.msg.data, d.msg.deliveryCount])).toContainEqual(['boom', 2]);
    });

    it('work-queue streams: groups must not overlap; disjoint groups split the subjects', async () => {
      const s = await stream({ workQueue: true });
      const a = await collect<number>({ stream: s.name, group: 'a', filterSubject: s.subject('a.>') });
      await expect(bus.consume({ stream: s.name, group: 'all' }, async () => {})).rejects.toMatchObject({ code: 'CONFLICT' });
      const b = await collect<number>({ stream: s.name, group: 'b', filterSubject: s.subject('b.>') });
      await bus.publish(s.subject('a.1'), 1);
      await bus.publish(s.subject('b.1'), 2);
      await waitFor(() => a.got.length === 1 && b.got.length === 1, 'one message per group');
      expect([a.got[0]!.msg.data, b.got[0]!.msg.data]).toEqual([1, 2]);
    });

    it('refuses a group that changes its filter', async () => {
      const s = await stream();
      await collect({ stream: s.name, group: 'g', filterSubject: s.subject('a') });
      await expect(
        bus.consume({ stream: s.name, group: 'g', filterSubject: s.subject('b') }, async () => {}),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('reports precise errors for bad calls', async () => {
      const s = await stream();
      await expect(bus.publish(`nowhere.${s.name}.x`, 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(bus.publish(s.subject('big'), 10n)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(bus.publish(s.subject('a.*'), 1)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(bus.consume({ stream: `${s.name}_missing`, group: 'g' }, async () => {})).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(bus.consume({ stream: s.name, group: 'bad.name' }, async () => {})).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
      const other = `${s.name}_other`;
      await expect(bus.ensureStream({ name: other, subjects: [s.subject('x')] })).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(bus.ensureStream({ name: s.name, subjects: [s.subject('>')], workQueue: true })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await expect(bus.ping()).resolves.toBeUndefined();
    });

    it('drops messages older than maxAgeMs', async () => {
      const s = await stream({ maxAgeMs: 400 });
      await bus.publish(s.subject('old'), 'old');
      await sleep(1_200);
      await bus.publish(s.subject('new'), 'new');
      const { got } = await collect<string>({ stream: s.name, group: 'g' });
      await waitFor(() => got.length >= 1, 'the fresh message');
      await sleep(200);
      expect(got.map((d) => d.msg.data)).toEqual(['new']);
    });

    it('keeps only the newest maxMessages messages', async () => {
      const s = await stream({ maxMessages: 3 });
      for (let i = 0; i < 5; i++) await bus.publish(s.subject('n'), i);
      const { got } = await collect<number>({ stream: s.name, group: 'g' });
      await waitFor(() => got.length >= 3, 'three messages');
      await sleep(200);
      expect(got.map((d) => d.msg.data)).toEqual([2, 3, 4]);
    });

    it('ensureStream is idempotent and can widen the subjects', async () => {
      const s = await stream();
      await bus.ensureStream({ name: s.name, subjects: [s.subject('>')] });
      const extra = `${s.name.replace('cf_', 'cfx.')}.>`;
      await bus.ensureStream({ name: s.name, subjects: [s.subject('>'), extra] });
      await bus.publish(extra.replace('>', 'one'), 'widened');
      const { got } = await collect<string>({ stream: s.name, group: 'g' });
      await waitFor(() => got.length === 1, 'the message on the new subject');
      expect(got[0]!.msg.data).toBe('widened');
    });
  });
}
