import { describe, expect, it } from 'vitest';
import { authorityAuditChain } from '../kysely-store.js';
import { as, authority, createOrgs, expectCode, type ConformanceContext } from './fixtures.js';

/** Organisations: each organisation sees only itself; the authority sees and creates all. */
export function organisationCases(ctx: ConformanceContext): void {
  describe('organisations', () => {
    it('creates an organisation in its own scope and reads it back', async () => {
      ctx.clock.set(1_700_000_000_123);
      const created = await as(ctx, 'org-a').organisations.create({ name: 'Org A' });
      expect(created).toEqual({ id: 'org-a', name: 'Org A', parentId: null, createdAt: 1_700_000_000_123 });
      expect(await as(ctx, 'org-a').organisations.get('org-a')).toEqual(created);
      expect(await as(ctx, 'org-a').organisations.list()).toEqual([created]);
    });

    it('never creates or shows another organisation from an organisation scope', async () => {
      await createOrgs(ctx, 'org-a', 'org-b');
      await expectCode(as(ctx, 'org-a').organisations.create({ id: 'org-c', name: 'C' }), 'FORBIDDEN');
      expect(await as(ctx, 'org-a').organisations.get('org-b')).toBeNull();
      expect((await as(ctx, 'org-a').organisations.list()).map((o) => o.id)).toEqual(['org-a']);
      expect(await as(ctx, authority).organisations.get('org-c')).toBeNull();
    });

    it('refuses a duplicate id with CONFLICT and a missing parent with NOT_FOUND', async () => {
      await createOrgs(ctx, 'org-a');
      await expectCode(as(ctx, 'org-a').organisations.create({ name: 'again' }), 'CONFLICT');
      await expectCode(as(ctx, authority).organisations.create({ id: 'sub', name: 'Sub', parentId: 'nowhere' }), 'NOT_FOUND');
      expect(await as(ctx, authority).organisations.get('sub')).toBeNull();
    });

    it('lets the authority create with generated ids and parents, and list every organisation', async () => {
      await createOrgs(ctx, 'org-b');
      const sub = await as(ctx, authority).organisations.create({ name: 'Subsidiary', parentId: 'org-b' });
      expect(sub.id).toBe('gen-1');
      expect(sub.parentId).toBe('org-b');
      expect((await as(ctx, authority).organisations.list()).map((o) => o.id)).toEqual(['gen-1', 'org-b']);
      expect(await as(ctx, 'gen-1').organisations.get('gen-1')).toEqual(sub);
    });

    it('gives the organisation graph (ids and parents only) as an unaudited system read', async () => {
      await createOrgs(ctx, 'org-b', 'org-a');
      await as(ctx, authority).organisations.create({ id: 'client-b', name: 'Client of B', parentId: 'org-b' });
      const authorityChain = as(ctx, authorityAuditChain).audit;
      const before = (await authorityChain.list()).length;
      // Exactly ids and parents: a name (or anything added later) here would leak through an unaudited read.
      expect(await ctx.store.orgGraph()).toEqual([
        { id: 'client-b', parentId: 'org-b' },
        { id: 'org-a', parentId: null },
        { id: 'org-b', parentId: null },
      ]);
      expect(await authorityChain.list()).toHaveLength(before);
      // The same question through an authority scope is audited: the reason orgGraph exists.
      await as(ctx, authority).organisations.list();
      expect(await authorityChain.list()).toHaveLength(before + 1);
    });
  });
}
