import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../store.js';
import { as, authority, rawDb, type ConformanceContext } from './fixtures.js';

/** The documented hash, written out by hand (keys in sorted order) rather than with the store's code. */
function expectedHash(e: AuditEntry): string {
  const canonical =
    `{"action":${JSON.stringify(e.action)},"actor":${JSON.stringify(e.actor)},"at":${e.at},` +
    `"details":${JSON.stringify(e.details)},"orgId":${JSON.stringify(e.orgId)},"seq":${e.seq},"target":${JSON.stringify(e.target)}}`;
  return createHash('sha256').update(e.prevHash).update(canonical).digest('hex');
}

/** The audit log: an append-only hash chain per organisation that detects tampering. */
export function auditCases(ctx: ConformanceContext): void {
  describe('audit log', () => {
    it('chains entries: each prevHash is the previous hash, each hash covers the entry', async () => {
      const audit = as(ctx, 'org-a').audit;
      const first = await audit.append({ actor: 'token:t1', action: 'token.create', target: 't2', details: { role: 'viewer' }, at: 1000 });
      const second = await audit.append({ actor: 'cli:root', action: 'org.create', at: 2000 });
      const third = await audit.append({ actor: 'system', action: 'rules.reload', details: { count: 3 }, at: 3000 });
      expect(first).toMatchObject({ orgId: 'org-a', target: 't2', details: { role: 'viewer' }, prevHash: '0'.repeat(64) });
      expect(second).toMatchObject({ target: null, details: {}, prevHash: first.hash });
      expect(third.prevHash).toBe(second.hash);
      expect(second.seq).toBeGreaterThan(first.seq);
      expect(third.seq).toBeGreaterThan(second.seq);
      for (const e of [first, second, third]) expect(e.hash).toBe(expectedHash(e));
      expect(await audit.list()).toEqual([first, second, third]);
      expect(await audit.list({ afterSeq: first.seq, limit: 1 })).toEqual([second]);
      expect(await audit.verify()).toBeNull();
    });

    it('reports the seq of an entry modified behind its back, in that chain only', async () => {
      const a = as(ctx, 'org-a').audit;
      const b = as(ctx, 'org-b').audit;
      await a.append({ actor: 'x', action: 'one', at: 1 });
      await b.append({ actor: 'y', action: 'other', at: 2 });
      const victim = await a.append({ actor: 'x', action: 'token.revoke', target: 't9', at: 3 });
      await a.append({ actor: 'x', action: 'three', at: 4 });
      await rawDb(ctx.store).updateTable('audit_log').set({ target: 't8' }).where('seq', '=', victim.seq).execute();
      expect(await a.verify()).toBe(victim.seq);
      expect(await b.verify()).toBeNull();
      expect(await as(ctx, authority).audit.verify()).toBe(victim.seq);
    });

    it('detects a bad hash, a recomputed hash through the next link, and a deleted entry', async () => {
      const a = as(ctx, 'org-a').audit;
      const entries = [];
      for (let i = 0; i < 4; i++) entries.push(await a.append({ actor: 'x', action: `step-${i}`, at: i }));
      const [e0, e1, e2, e3] = entries as [AuditEntry, AuditEntry, AuditEntry, AuditEntry];
      const db = rawDb(ctx.store);
      await db.updateTable('audit_log').set({ action: 'forged', hash: 'f'.repeat(64) }).where('seq', '=', e1.seq).execute();
      expect(await a.verify()).toBe(e1.seq);
      // A forger who recomputes the entry's own hash is caught by the next entry's link.
      const forgedHash = expectedHash({ ...e1, action: 'forged' });
      await db.updateTable('audit_log').set({ action: 'forged', hash: forgedHash }).where('seq', '=', e1.seq).execute();
      expect(await a.verify()).toBe(e2.seq);
      await db.updateTable('audit_log').set({ action: e1.action, hash: e1.hash }).where('seq', '=', e1.seq).execute();
      expect(await a.verify()).toBeNull();
      await db.deleteFrom('audit_log').where('seq', '=', e2.seq).execute();
      expect(await a.verify()).toBe(e3.seq);
      expect(e0.seq).toBeLessThan(e3.seq);
    });

    it('keeps one unforked chain under concurrent appends', async () => {
      const a = as(ctx, 'org-a').audit;
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => a.append({ actor: 'x', action: `c-${i}`, at: i })));
      expect(new Set(results.map((e) => e.seq)).size).toBe(20);
      const chain = await a.list({ limit: 100 });
      expect(chain).toHaveLength(20);
      chain.forEach((e, i) => expect(e.prevHash).toBe(i === 0 ? '0'.repeat(64) : chain[i - 1]!.hash));
      expect(await a.verify()).toBeNull();
    });
  });
}
