import { describe, expect, it } from 'vitest';
import { as, authority, createOrgs, expectCode, type ConformanceContext } from './fixtures.js';

const subscription = (orgId: string, id: string) => ({
  id, orgId, kind: 'taxii' as const, url: 'https://peer.example/api1/', collectionId: 'c1',
  auth: { kind: 'bearer' as const, token: 'secret' }, intervalS: 300,
});

/** Feed subscriptions: create, list within the scope, record polls (cursor kept on failure), delete. */
export function feedCases(ctx: ConformanceContext): void {
  describe('feed subscriptions', () => {
    it('creates, lists and records polls within its organisation', async () => {
      await createOrgs(ctx, 'org-a', 'org-b');
      ctx.clock.set(1_700_000_000_000);
      const created = await as(ctx, 'org-a').feeds.create(subscription('org-a', 's1'));
      expect(created).toMatchObject({ id: 's1', cursor: null, lastPolledAt: null, lastError: null, createdAt: 1_700_000_000_000 });
      await as(ctx, 'org-b').feeds.create({ ...subscription('org-b', 's2'), kind: 'misp-feed', collectionId: null, auth: null });
      expect((await as(ctx, 'org-a').feeds.list()).map((s) => s.id)).toEqual(['s1']);
      expect((await as(ctx, authority).feeds.list()).map((s) => s.id)).toEqual(['s1', 's2']);
      expect(await as(ctx, 'org-b').feeds.get('s1')).toBeNull();
      expect(await as(ctx, 'org-b').feeds.recordPoll('s1', { at: 1, error: null, cursor: 'x' })).toBe(false);

      expect(await as(ctx, 'org-a').feeds.recordPoll('s1', { at: 2000, error: null, cursor: '2026-01-01T00:00:00.000Z' })).toBe(true);
      expect(await as(ctx, 'org-a').feeds.recordPoll('s1', { at: 3000, error: 'HTTP 503' })).toBe(true);
      expect(await as(ctx, 'org-a').feeds.get('s1')).toEqual({
        ...created, cursor: '2026-01-01T00:00:00.000Z', lastPolledAt: 3000, lastError: 'HTTP 503',
      });
      expect(await as(ctx, 'org-a').feeds.saveCursor('s1', '2026-02-01T00:00:00.000Z')).toBe(true);
      expect(await as(ctx, 'org-b').feeds.saveCursor('s1', 'x')).toBe(false);
      expect(await as(ctx, 'org-a').feeds.get('s1')).toMatchObject({ cursor: '2026-02-01T00:00:00.000Z', lastPolledAt: 3000 });
      expect(await as(ctx, 'org-b').feeds.delete('s1')).toBe(false);
      expect(await as(ctx, 'org-a').feeds.delete('s1')).toBe(true);
      expect(await as(ctx, 'org-a').feeds.list()).toEqual([]);
    });

    it('refuses another organisation, a missing organisation, a bad kind or interval, a reused id', async () => {
      await createOrgs(ctx, 'org-a');
      await expectCode(as(ctx, 'org-a').feeds.create(subscription('org-b', 'x1')), 'FORBIDDEN');
      await expectCode(as(ctx, authority).feeds.create(subscription('ghost', 'x2')), 'NOT_FOUND');
      await expectCode(as(ctx, 'org-a').feeds.create({ ...subscription('org-a', 'x3'), kind: 'rss' as never }), 'VALIDATION_FAILED');
      await expectCode(as(ctx, 'org-a').feeds.create({ ...subscription('org-a', 'x4'), intervalS: 0 }), 'VALIDATION_FAILED');
      await as(ctx, 'org-a').feeds.create(subscription('org-a', 'x5'));
      await expectCode(as(ctx, 'org-a').feeds.create(subscription('org-a', 'x5')), 'CONFLICT');
    });
  });
}
