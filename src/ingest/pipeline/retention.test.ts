import { describe, expect, it } from 'vitest';
import { createStore, orgScope, type StoredEvent } from '../../store/index.js';
import { ManualClock } from '../../shared/clock.js';
import { EventRetention } from './retention.js';

const day = 86_400_000;
const event = (orgId: string, id: string, receivedAt: number): StoredEvent => ({
  id, orgId, time: receivedAt, receivedAt, source: 'http', product: null, category: null, service: null, message: null, data: {},
});

describe('EventRetention', () => {
  it('deletes events of every organisation received before the retention period, to the millisecond', async () => {
    const store = await createStore(':memory:');
    await store.migrate();
    const clock = new ManualClock(100 * day);
    for (const org of ['a', 'b']) {
      await store.scoped(orgScope(org)).events.insertMany([
        event(org, 'old', 100 * day - 7 * day - 1),
        event(org, 'edge', 100 * day - 7 * day),
        event(org, 'new', 100 * day - 1),
      ]);
    }
    const retention = new EventRetention(store, clock, 7 * day);
    expect(await retention.sweep()).toBe(2);
    for (const org of ['a', 'b']) {
      const left = (await store.scoped(orgScope(org)).events.query({})).items.map((e) => e.id).sort();
      expect(left).toEqual(['edge', 'new']);
    }
    clock.advance(1);
    expect(await retention.sweep()).toBe(2);
    await store.close();
  });
});
