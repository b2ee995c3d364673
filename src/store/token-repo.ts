import { ShieldwallError } from '../errors/error-catalog.js';
import { isForeignKeyViolation, isUniqueViolation } from './constraint-errors.js';
import { assertWritable, auditAuthority, scopeOrgId, type RepoContext } from './repo-context.js';
import { roles, type ApiToken, type Role, type TokenRepo } from './store.js';

/** Row shape of `api_tokens`. */
export type TokenRow = {
  id: string;
  org_id: string;
  role: string;
  name: string;
  secret_hash: string;
  created_at: number | string;
  expires_at: number | string | null;
  revoked_at: number | string | null;
};

const nullableNumber = (v: number | string | null): number | null => (v === null ? null : Number(v));

/** Row mapper, shared with the unscoped `Store.auth.findToken`. */
export function toApiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    orgId: row.org_id,
    role: row.role as Role,
    name: row.name,
    secretHash: row.secret_hash,
    createdAt: Number(row.created_at),
    expiresAt: nullableNumber(row.expires_at),
    revokedAt: nullableNumber(row.revoked_at),
  };
}

/** API tokens seen through one scope (`org_id = scope.orgId`). */
export function tokenRepo(ctx: RepoContext): TokenRepo {
  const { db, scope } = ctx;
  const confined = scopeOrgId(scope);
  return {
    async create(token) {
      assertWritable(scope, token.orgId, 'token');
      if (!roles.includes(token.role)) {
        throw new ShieldwallError('VALIDATION_FAILED', `token.role: expected one of ${roles.join(', ')}, got ${String(token.role)}`, {
          where: 'token.role',
        });
      }
      const record: ApiToken = {
        id: token.id,
        orgId: token.orgId,
        role: token.role,
        name: token.name,
        secretHash: token.secretHash,
        createdAt: token.createdAt ?? ctx.clock.now(),
        expiresAt: token.expiresAt ?? null,
        revokedAt: null,
      };
      await auditAuthority(ctx, 'write.tokens', record.id, { orgIds: [record.orgId], role: record.role });
      try {
        await db
          .insertInto('api_tokens')
          .values({
            id: record.id, org_id: record.orgId, role: record.role, name: record.name, secret_hash: record.secretHash,
            created_at: record.createdAt, expires_at: record.expiresAt, revoked_at: null,
          })
          .execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw new ShieldwallError('CONFLICT', `token ${record.id} already exists`, { where: 'token.id' });
        if (isForeignKeyViolation(e)) throw new ShieldwallError('NOT_FOUND', `organisation ${record.orgId} not found`, { where: 'token.orgId' });
        throw e;
      }
      return record;
    },

    async list() {
      let q = db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id');
      if (confined !== null) q = q.where('org_id', '=', confined);
      const rows = await q.execute();
      await auditAuthority(ctx, 'read.tokens', null, { count: rows.length });
      return rows.map(toApiToken);
    },

    async revoke(id, at) {
      let q = db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null);
      if (confined !== null) q = q.where('org_id', '=', confined);
      await auditAuthority(ctx, 'write.tokens', id, { revoke: true });
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
