import { appendAuditEntry, toAuditEntry, verifyAuditChains } from './audit-chain.js';
import { pageLimit } from './page-cursor.js';
import { auditAuthority, scopeOrgId, type RepoContext } from './repo-context.js';
import type { AuditRepo } from './store.js';

/**
 * The audit log seen through one scope. An organisation appends to and reads its own chain; the
 * authority appends to its own chain (`RepoContext.authorityChain`) and reads and verifies all
 * chains, or one organisation's when its scope names it.
 */
export function auditRepo(ctx: RepoContext): AuditRepo {
  const { db, scope } = ctx;
  const chain = scope.kind === 'org' ? scope.orgId : ctx.authorityChain;
  const confined = scopeOrgId(scope);

  return {
    append(entry) {
      return appendAuditEntry(db, chain, entry);
    },

    async list(q = {}) {
      const limit = pageLimit(q.limit);
      let s = db.selectFrom('audit_log').selectAll().where('seq', '>', q.afterSeq ?? 0);
      if (confined !== null) s = s.where('org_id', '=', confined);
      const rows = await s.orderBy('seq', 'asc').limit(limit).execute();
      // Recorded after reading, so the listing shows the chain as it was asked for.
      await auditAuthority(ctx, 'read.audit', null, { count: rows.length, afterSeq: q.afterSeq ?? 0 });
      return rows.map(toAuditEntry);
    },

    async verify() {
      const broken = await verifyAuditChains(db, confined);
      await auditAuthority(ctx, 'verify.audit', null, { brokenAt: broken });
      return broken;
    },
  };
}
