import { describe, expect, it } from 'vitest';
import type { ApiToken } from '../store.js';
import { as, authority, createOrgs, expectCode, type ConformanceContext } from './fixtures.js';

const token = (orgId: string, id: string, extra: Partial<ApiToken> = {}) => ({
  id, orgId, role: 'analyst' as const, name: `token ${id}`, secretHash: `scrypt$16384$8$1$salt$${id}`, expiresAt: null, ...extra,
});

/** API tokens: create, unscoped lookup for authentication, list and revoke within the scope. */
export function tokenCases(ctx: ConformanceContext): void {
  describe('tokens', () => {
    it('creates a token, finds it before authentication and lists it in its organisation', async () => {
      await createOrgs(ctx, 'org-a');
      ctx.clock.set(1_700_000_000_500);
      const created = await as(ctx, 'org-a').tokens.create(token('org-a', 't1', { expiresAt: 1_800_000_000_000 }));
      expect(created).toEqual({ ...token('org-a', 't1'), expiresAt: 1_800_000_000_000, createdAt: 1_700_000_000_500, revokedAt: null });
      expect(await ctx.store.auth.findToken('t1')).toEqual(created);
      expect(await ctx.store.auth.findToken('nope')).toBeNull();
      const explicit = await as(ctx, 'org-a').tokens.create({ ...token('org-a', 't2'), createdAt: 42 });
      expect(explicit.createdAt).toBe(42);
      expect((await as(ctx, 'org-a').tokens.list()).map((t) => t.id)).toEqual(['t2', 't1']);
    });

    it('revokes once, and only within its own organisation', async () => {
      await createOrgs(ctx, 'org-a', 'org-b');
      await as(ctx, 'org-a').tokens.create(token('org-a', 'ta'));
      await as(ctx, 'org-b').tokens.create(token('org-b', 'tb'));
      expect(await as(ctx, 'org-a').tokens.revoke('tb', 2000)).toBe(false);
      expect((await ctx.store.auth.findToken('tb'))?.revokedAt).toBeNull();
      expect(await as(ctx, 'org-a').tokens.revoke('ta', 2000)).toBe(true);
      expect(await as(ctx, 'org-a').tokens.revoke('ta', 3000)).toBe(false);
      expect((await ctx.store.auth.findToken('ta'))?.revokedAt).toBe(2000);
      expect(await as(ctx, authority).tokens.revoke('tb', 4000)).toBe(true);
      expect((await ctx.store.auth.findToken('tb'))?.revokedAt).toBe(4000);
    });

    it('refuses tokens for another organisation, a missing organisation, a bad role or a reused id', async () => {
      await createOrgs(ctx, 'org-a', 'org-b');
      await expectCode(as(ctx, 'org-a').tokens.create(token('org-b', 'x1')), 'FORBIDDEN');
      await expectCode(as(ctx, authority).tokens.create(token('ghost', 'x2')), 'NOT_FOUND');
      await expectCode(as(ctx, 'org-a').tokens.create({ ...token('org-a', 'x3'), role: 'root' as never }), 'VALIDATION_FAILED');
      await as(ctx, 'org-a').tokens.create(token('org-a', 'x4'));
      await expectCode(as(ctx, 'org-b').tokens.create(token('org-b', 'x4')), 'CONFLICT');
      expect((await as(ctx, authority).tokens.list()).map((t) => t.id)).toEqual(['x4']);
      expect((await ctx.store.auth.findToken('x4'))?.orgId).toBe('org-a');
    });
  });
}
