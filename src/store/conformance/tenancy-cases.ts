import { describe, expect, it } from 'vitest';
import { authorityAuditChain } from '../kysely-store.js';
import { alert, as, authority, createOrgs, event, expectCode, type ConformanceContext } from './fixtures.js';

/** Puts one organisation's records of every kind in place, all mentioning `secret-<org>`. */
async function seed(ctx: ConformanceContext, org: string): Promise<void> {
  const s = as(ctx, org);
  await s.events.insertMany([event(org, `ev-${org}`, 1000, { message: `secret-${org} logon` }), event(org, 'shared-id', 2000)]);
  await s.alerts.insertMany([alert(org, `al-${org}`, 'rule-1', `ev-${org}`), alert(org, 'shared-alert', 'rule-2', 'shared-id')]);
  await s.tokens.create({ id: `tok-${org}`, orgId: org, role: 'admin', name: `secret-${org}`, secretHash: 'h', expiresAt: null });
  await s.audit.append({ actor: `user-${org}`, action: 'token.create', target: `tok-${org}`, at: 10 });
}

/** Tenancy: an organisation scope never reaches another organisation; the authority is audited. */
export function tenancyCases(ctx: ConformanceContext): void {
  describe('tenancy', () => {
    it("never shows organisation B's records to organisation A", async () => {
      await createOrgs(ctx, 'org-a', 'org-b');
      await seed(ctx, 'org-a');
      await seed(ctx, 'org-b');
      const a = as(ctx, 'org-a');
      expect(await a.events.get('ev-org-b')).toBeNull();
      expect(await a.alerts.get('al-org-b')).toBeNull();
      expect((await a.events.query({ text: 'secret-org-b' })).items).toEqual([]);
      expect((await a.events.query({ limit: 1000 })).items.every((e) => e.orgId === 'org-a')).toBe(true);
      expect((await a.events.query({})).items).toHaveLength(2);
      expect((await a.alerts.query({})).items.map((x) => x.orgId)).toEqual(['org-a', 'org-a']);
      expect((await a.tokens.list()).map((t) => t.id)).toEqual(['tok-org-a']);
      expect((await a.audit.list()).map((e) => e.orgId)).toEqual(['org-a']);
      expect(await a.tokens.revoke('tok-org-b', 5)).toBe(false);
      expect(await a.events.deleteOlderThan(Number.MAX_SAFE_INTEGER)).toBe(2);
      expect(await as(ctx, 'org-b').events.get('ev-org-b')).not.toBeNull();
      expect((await as(ctx, 'org-b').events.get('shared-id'))?.orgId).toBe('org-b');
      expect((await as(ctx, 'org-b').alerts.get('shared-alert'))?.orgId).toBe('org-b');
    });

    it("refuses to write a record into another organisation's scope and stores nothing", async () => {
      await expectCode(as(ctx, 'org-a').events.insertMany([event('org-a', 'ok', 1), event('org-b', 'planted', 2)]), 'FORBIDDEN');
      await expectCode(as(ctx, 'org-a').alerts.insertMany([alert('org-b', 'planted', 'r', 'e')]), 'FORBIDDEN');
      await expectCode(as(ctx, authority).events.insertMany([{ ...event('x', 'no-org', 1), orgId: '' }]), 'VALIDATION_FAILED');
      expect((await as(ctx, authority).events.query({})).items).toEqual([]);
      expect((await as(ctx, authority).alerts.query({})).items).toEqual([]);
    });

    it('lets the authority read and write every organisation, recording each call with actor and reason', async () => {
      await createOrgs(ctx, 'org-a', 'org-b');
      await seed(ctx, 'org-a');
      await seed(ctx, 'org-b');
      const auth = as(ctx, authority);
      expect((await auth.events.query({ text: 'secret-org' })).items.map((e) => e.orgId).sort()).toEqual(['org-a', 'org-b']);
      expect((await auth.events.get('ev-org-b'))?.orgId).toBe('org-b');
      expect((await auth.alerts.query({})).items).toHaveLength(4);
      expect((await auth.tokens.list()).map((t) => t.id)).toEqual(['tok-org-a', 'tok-org-b']);
      expect(await auth.events.insertMany([event('org-a', 'by-auth-a', 5), event('org-b', 'by-auth-b', 6)])).toBe(2);
      expect((await as(ctx, 'org-b').events.get('by-auth-b'))?.orgId).toBe('org-b');

      const trail = (await as(ctx, authorityAuditChain).audit.list({ limit: 1000 })).filter((e) => e.action.startsWith('authority.'));
      expect(trail.map((e) => e.action)).toEqual([
        'authority.read.events', 'authority.read.events', 'authority.read.alerts', 'authority.read.tokens', 'authority.write.events',
      ]);
      for (const e of trail) expect(e).toMatchObject({ actor: 'auditor-1', details: { reason: 'conformance check' } });
      expect(trail[1]).toMatchObject({ target: 'ev-org-b', details: { orgIds: ['org-b'] } });
      expect(trail[4]!.details).toMatchObject({ orgIds: ['org-a', 'org-b'], count: 2 });
      expect((await as(ctx, 'org-a').audit.list()).some((e) => e.action.startsWith('authority.'))).toBe(false);
      expect(await auth.audit.verify()).toBeNull();
    });

    it('confines an authority scope that names an organisation to it, and still records each call', async () => {
      await createOrgs(ctx, 'org-a', 'org-b');
      await seed(ctx, 'org-a');
      await seed(ctx, 'org-b');
      const onB = as(ctx, { ...authority, orgId: 'org-b' });
      expect(await onB.events.get('ev-org-a')).toBeNull();
      expect((await onB.events.get('shared-id'))?.orgId).toBe('org-b');
      expect((await onB.events.query({})).items.map((e) => e.orgId)).toEqual(['org-b', 'org-b']);
      expect(await onB.alerts.get('al-org-a')).toBeNull();
      expect((await onB.alerts.query({})).items.map((x) => x.orgId)).toEqual(['org-b', 'org-b']);
      expect((await onB.tokens.list()).map((t) => t.id)).toEqual(['tok-org-b']);
      expect(await onB.tokens.revoke('tok-org-a', 5)).toBe(false);
      expect((await onB.organisations.list()).map((o) => o.id)).toEqual(['org-b']);
      expect((await onB.audit.list()).every((e) => e.orgId === 'org-b')).toBe(true);
      await expectCode(onB.events.insertMany([event('org-a', 'planted', 1)]), 'FORBIDDEN');
      expect(await onB.events.deleteOlderThan(Number.MAX_SAFE_INTEGER)).toBe(2);
      expect((await as(ctx, 'org-a').events.query({})).items).toHaveLength(2);

      const trail = (await as(ctx, authorityAuditChain).audit.list({ limit: 1000 })).filter((e) => e.action.startsWith('authority.'));
      expect(trail).toHaveLength(10);
      for (const e of trail) expect(e.details).toMatchObject({ reason: 'conformance check', scopeOrgId: 'org-b' });
    });
  });
}
