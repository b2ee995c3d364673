import { describe, expect, it } from 'vitest';
import { messageColumnRef } from '../store.js';
import { as, authority, event, expectCode, type ConformanceContext } from './fixtures.js';

/** Pending ingest batches: stored atomically with their events, listed, read back in order, completed. */
export function batchCases(ctx: ConformanceContext): void {
  describe('ingest batches', () => {
    it('stores a batch with its events, lists it as pending until completed, and reads its events in order', async () => {
      const events = as(ctx, 'org-a').events;
      const batch = [event('org-a', 'z9', 3000), event('org-a', 'a1', 1000), event('org-a', 'm5', 2000)];
      expect(await events.insertBatch({ orgId: 'org-a', batchId: 'b1', receivedAt: 10 }, batch)).toBe(3);
      expect(await events.insertBatch({ orgId: 'org-a', batchId: 'b1', receivedAt: 10 }, batch)).toBe(0);
      await events.insertBatch({ orgId: 'org-a', batchId: 'b0', receivedAt: 5 }, [event('org-a', 'x', 1)]);
      expect(await events.pendingBatches()).toEqual([
        { orgId: 'org-a', batchId: 'b0', receivedAt: 5, count: 1 },
        { orgId: 'org-a', batchId: 'b1', receivedAt: 10, count: 3 },
      ]);
      expect((await events.batchEvents({ orgId: 'org-a', batchId: 'b1' })).map((e) => e.id)).toEqual(['z9', 'a1', 'm5']);
      expect(await events.completeBatch({ orgId: 'org-a', batchId: 'b1' })).toBe(true);
      expect(await events.completeBatch({ orgId: 'org-a', batchId: 'b1' })).toBe(false);
      expect((await events.pendingBatches()).map((b) => b.batchId)).toEqual(['b0']);
      expect((await events.get('a1'))?.data).toEqual({ id: 'a1', org: 'org-a' });
    });

    it('stores dataJson text as the event data, in a batch and through insertMany', async () => {
      const events = as(ctx, 'org-a').events;
      const { data: _ignored, ...first } = event('org-a', 'j1', 1000);
      const text = '{"format":"json","raw": {"k":"Straße ✓","n":[1,null]},"ecs":{}}';
      expect(await events.insertBatch({ orgId: 'org-a', batchId: 'bj', receivedAt: 1 }, [{ ...first, dataJson: text }])).toBe(1);
      expect(await events.insertMany([{ ...first, id: 'j2', dataJson: '{"a":1}' }])).toBe(1);
      expect((await events.get('j1'))?.data).toEqual({ format: 'json', raw: { k: 'Straße ✓', n: [1, null] }, ecs: {} });
      expect((await events.batchEvents({ orgId: 'org-a', batchId: 'bj' }))[0]?.data).toEqual(JSON.parse(text));
      expect((await events.get('j2'))?.data).toEqual({ a: 1 });
    });

    it('gives ecs.message back in its place where dataJson refers to the message column, on every read', async () => {
      const events = as(ctx, 'org-a').events;
      const { data: _ignored, ...first } = event('org-a', 'r1', 1000);
      const ref = `{"format":"windows","raw":{"Message":"a \\"b\\""},"ecs":{"@timestamp":"t","message":${messageColumnRef},"event.code":"1"}}`;
      const full = { format: 'windows', raw: { Message: 'a "b"' }, ecs: { '@timestamp': 't', message: 'a "b"', 'event.code': '1' } };
      await events.insertBatch({ orgId: 'org-a', batchId: 'br', receivedAt: 1 }, [
        { ...first, message: 'a "b"', dataJson: ref },
        // Without a message column value there is nothing to put back: the data reads as stored.
        { ...first, id: 'r2', message: null, dataJson: ref },
      ]);
      const r1 = (await events.get('r1'))!.data;
      expect(JSON.stringify(r1)).toBe(JSON.stringify(full));
      expect(JSON.stringify((await events.batchEvents({ orgId: 'org-a', batchId: 'br' }))[0]!.data)).toBe(JSON.stringify(full));
      expect(JSON.stringify((await events.query({ text: 'b' })).items.find((e) => e.id === 'r1')?.data)).toBe(JSON.stringify(full));
      expect(((await events.get('r2'))!.data['ecs'] as Record<string, unknown>)['message']).toEqual({ $column: 'message' });
    });

    it("reads back only the events a batch inserted itself, not those an earlier batch stored", async () => {
      const events = as(ctx, 'org-a').events;
      await events.insertBatch({ orgId: 'org-a', batchId: 'first', receivedAt: 1 }, [event('org-a', 'x', 1), event('org-a', 'y', 2)]);
      await as(ctx, 'org-b').events.insertBatch({ orgId: 'org-b', batchId: 'other', receivedAt: 1 }, [event('org-b', 'q', 1)]);
      expect(await events.insertBatch({ orgId: 'org-a', batchId: 'second', receivedAt: 2 }, [event('org-a', 'y', 2), event('org-a', 'z', 3), event('org-a', 'w', 4)])).toBe(2);
      expect((await events.batchEvents({ orgId: 'org-a', batchId: 'second' })).map((e) => e.id)).toEqual(['z', 'w']);
      expect((await events.batchEvents({ orgId: 'org-a', batchId: 'first' })).map((e) => e.id)).toEqual(['x', 'y']);
      expect((await as(ctx, authority).events.batchEvents({ orgId: 'org-b', batchId: 'other' })).map((e) => e.id)).toEqual(['q']);
    });

    it('stores nothing of a batch that fails half way, leaves no pending mark, and writes the next batch', async () => {
      const events = as(ctx, 'org-a').events;
      const bad = { ...event('org-a', 'bad', 2000), source: null as unknown as string };
      await expect(events.insertBatch({ orgId: 'org-a', batchId: 'broken', receivedAt: 1 }, [event('org-a', 'good', 1000), bad])).rejects.toThrow();
      expect(await events.get('good')).toBeNull();
      expect(await events.pendingBatches()).toEqual([]);
      expect(await events.insertBatch({ orgId: 'org-a', batchId: 'next', receivedAt: 2 }, [event('org-a', 'good', 1000)])).toBe(1);
      expect((await events.batchEvents({ orgId: 'org-a', batchId: 'next' })).map((e) => e.id)).toEqual(['good']);
    });

    it("keeps organisations' batches apart, and lets the authority see all", async () => {
      await as(ctx, 'org-a').events.insertBatch({ orgId: 'org-a', batchId: 'b', receivedAt: 1 }, [event('org-a', 'e', 1)]);
      await as(ctx, 'org-b').events.insertBatch({ orgId: 'org-b', batchId: 'b', receivedAt: 2 }, [event('org-b', 'e', 1)]);
      const a = as(ctx, 'org-a').events;
      expect((await a.pendingBatches()).map((b) => b.orgId)).toEqual(['org-a']);
      expect(await a.batchEvents({ orgId: 'org-b', batchId: 'b' })).toEqual([]);
      expect(await a.completeBatch({ orgId: 'org-b', batchId: 'b' })).toBe(false);
      expect((await as(ctx, authority).events.pendingBatches()).map((b) => b.orgId)).toEqual(['org-a', 'org-b']);
      await expectCode(a.insertBatch({ orgId: 'org-b', batchId: 'c', receivedAt: 1 }, [event('org-b', 'f', 1)]), 'FORBIDDEN');
      await expectCode(a.insertBatch({ orgId: 'org-a', batchId: 'c', receivedAt: 1 }, [event('org-b', 'f', 1)]), 'VALIDATION_FAILED');
      expect((await as(ctx, 'org-b').events.pendingBatches()).map((b) => b.orgId)).toEqual(['org-b']);
    });
  });
}
