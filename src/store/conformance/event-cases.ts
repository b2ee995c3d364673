import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../store.js';
import type { EventRepo } from '../store.js';
import { as, event, expectCode, type ConformanceContext } from './fixtures.js';

/** Reads every page of a query; fails on a repeated id, which would mean overlapping pages. */
async function readAll(repo: EventRepo, q: Parameters<EventRepo['query']>[0]): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await repo.query({ ...q, cursor });
    expect(page.items.length).toBeLessThanOrEqual(q.limit ?? 100);
    ids.push(...page.items.map((e) => e.id));
    cursor = page.next;
    pages++;
  } while (cursor !== null && pages < 1000);
  expect(new Set(ids).size).toBe(ids.length);
  return { ids, pages };
}

/** Expected order of a page: time desc, then id desc (code-unit order, ids here are ASCII). */
const byTimeDesc = (a: StoredEvent, b: StoredEvent) => b.time - a.time || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Events: idempotent batched inserts, filtered and paginated queries, retention. */
export function eventCases(ctx: ConformanceContext): void {
  describe('events', () => {
    it('inserts idempotently and returns the count actually inserted', async () => {
      const events = as(ctx, 'org-a').events;
      const batch = [event('org-a', 'e1', 1000), event('org-a', 'e2', 2000), event('org-a', 'e3', 3000)];
      expect(await events.insertMany(batch)).toBe(3);
      expect(await events.insertMany(batch)).toBe(0);
      expect(await events.insertMany([batch[0]!, event('org-a', 'e4', 4000), event('org-a', 'e4', 4000), batch[2]!])).toBe(1);
      expect(await events.insertMany([])).toBe(0);
      expect((await events.query({})).items.map((e) => e.id)).toEqual(['e4', 'e3', 'e2', 'e1']);
    });

    it('stores the event data exactly, including nesting, unicode and nulls', async () => {
      const data = { z: 1, a: { nested: ['x', 2, null, { deep: true }] }, text: 'Zoë → 🛡️ "quoted"\n', big: 9007199254740991 };
      const original = event('org-a', 'e1', 1000, { data, message: null, product: null, category: null, service: 'sysmon' });
      await as(ctx, 'org-a').events.insertMany([original]);
      const stored = await as(ctx, 'org-a').events.get('e1');
      expect(stored).toEqual(original);
      expect(Object.keys(stored!.data)).toEqual(['z', 'a', 'text', 'big']);
      expect(await as(ctx, 'org-a').events.get('missing')).toBeNull();
    });

    it('inserts a batch larger than one statement allows in one call', async () => {
      const many = Array.from({ length: 1234 }, (_, i) => event('org-a', `bulk-${String(i).padStart(4, '0')}`, 10_000 + i));
      expect(await as(ctx, 'org-a').events.insertMany(many)).toBe(1234);
      const capped = await as(ctx, 'org-a').events.query({ limit: 5000 });
      expect(capped.items).toHaveLength(1000);
      expect(capped.next).not.toBeNull();
      expect((await readAll(as(ctx, 'org-a').events, { limit: 1000 })).ids).toHaveLength(1234);
    });

    it('filters on a time range (from inclusive, to exclusive), source, product and category', async () => {
      await as(ctx, 'org-a').events.insertMany([
        event('org-a', 'e1', 1000, { source: 'syslog-udp', product: 'linux', category: 'auth' }),
        event('org-a', 'e2', 2000),
        event('org-a', 'e3', 3000, { source: 'file' }),
        event('org-a', 'e4', 4000, { product: 'linux', category: null }),
      ]);
      const ids = async (q: Parameters<EventRepo['query']>[0]) => (await as(ctx, 'org-a').events.query(q)).items.map((e) => e.id);
      expect(await ids({ from: 2000, to: 4000 })).toEqual(['e3', 'e2']);
      expect(await ids({ from: 4000 })).toEqual(['e4']);
      expect(await ids({ to: 1000 })).toEqual([]);
      expect(await ids({ source: 'syslog-udp' })).toEqual(['e1']);
      expect(await ids({ product: 'linux' })).toEqual(['e4', 'e1']);
      expect(await ids({ product: 'linux', category: 'auth' })).toEqual(['e1']);
      expect(await ids({ category: 'process_creation', from: 2500 })).toEqual(['e3']);
    });

    it('searches message text case-insensitively, taking % and _ literally', async () => {
      await as(ctx, 'org-a').events.insertMany([
        event('org-a', 'e1', 1000, { message: 'Failed password for ROOT from 10.0.0.1' }),
        event('org-a', 'e2', 2000, { message: 'disk 100% full on /var' }),
        event('org-a', 'e3', 3000, { message: 'disk 1000 blocks free' }),
        event('org-a', 'e4', 4000, { message: 'user_name=admin' }),
        event('org-a', 'e5', 5000, { message: 'username=admin' }),
        event('org-a', 'e6', 6000, { message: null }),
        event('org-a', 'e7', 7000, { message: 'path C:\\Windows\\System32' }),
      ]);
      const ids = async (text: string) => (await as(ctx, 'org-a').events.query({ text })).items.map((e) => e.id);
      expect(await ids('root from')).toEqual(['e1']);
      expect(await ids('FAILED PASSWORD')).toEqual(['e1']);
      expect(await ids('100%')).toEqual(['e2']);
      expect(await ids('user_name')).toEqual(['e4']);
      expect(await ids('\\windows\\')).toEqual(['e7']);
      expect(await ids('nothing like this')).toEqual([]);
      expect(await ids('')).toHaveLength(7);
    });

    it('pages through ties in time without gaps or repeats, with and without filters', async () => {
      const all = Array.from({ length: 250 }, (_, i) =>
        event('org-a', `e${String(i).padStart(3, '0')}`, 1000 + (i % 7), { source: i % 3 === 0 ? 'file' : 'http' }),
      );
      await as(ctx, 'org-a').events.insertMany(all);
      const expected = [...all].sort(byTimeDesc).map((e) => e.id);
      const read = await readAll(as(ctx, 'org-a').events, { limit: 40 });
      expect(read.ids).toEqual(expected);
      expect(read.pages).toBe(7);
      const files = await readAll(as(ctx, 'org-a').events, { limit: 13, source: 'file', from: 1002 });
      expect(files.ids).toEqual(all.filter((e) => e.source === 'file' && e.time >= 1002).sort(byTimeDesc).map((e) => e.id));
      const exact = await as(ctx, 'org-a').events.query({ limit: 250 });
      expect(exact.items).toHaveLength(250);
      expect(exact.next).toBeNull();
    });

    it('rejects a forged cursor and a non-positive limit', async () => {
      await expectCode(as(ctx, 'org-a').events.query({ cursor: 'not-a-cursor' }), 'VALIDATION_FAILED');
      await expectCode(as(ctx, 'org-a').events.query({ cursor: Buffer.from('[1,2]').toString('base64url') }), 'VALIDATION_FAILED');
      await expectCode(as(ctx, 'org-a').events.query({ limit: 0 }), 'VALIDATION_FAILED');
      await expectCode(as(ctx, 'org-a').events.query({ limit: 2.5 }), 'VALIDATION_FAILED');
    });

    it('deletes events received before the retention limit, in its own organisation only', async () => {
      await as(ctx, 'org-a').events.insertMany([
        event('org-a', 'old', 1000, { receivedAt: 1000 }),
        event('org-a', 'late', 500, { receivedAt: 5000 }),
        event('org-a', 'new', 6000, { receivedAt: 6000 }),
      ]);
      await as(ctx, 'org-b').events.insertMany([event('org-b', 'old-b', 1000, { receivedAt: 1000 })]);
      expect(await as(ctx, 'org-a').events.deleteOlderThan(5000)).toBe(1);
      expect((await as(ctx, 'org-a').events.query({})).items.map((e) => e.id)).toEqual(['new', 'late']);
      expect(await as(ctx, 'org-b').events.get('old-b')).not.toBeNull();
      expect(await as(ctx, 'org-a').events.deleteOlderThan(5000)).toBe(0);
    });
  });
}
