import type { Selectable } from 'kysely';
import { isUniqueViolation } from './constraint-errors.js';
import { ShieldwallError } from '../errors/error-catalog.js';
import type { TaxiiStatusesTable } from './intel-schema.js';
import type { TaxiiStatus, TaxiiStatusDetail, TaxiiStatusRepo } from './intel-store.js';
import { assertWritable, auditAuthority, scopeOrgId, type RepoContext } from './repo-context.js';

function toStatus(row: Selectable<TaxiiStatusesTable>): TaxiiStatus {
  const details = (text: string) => JSON.parse(text) as TaxiiStatusDetail[];
  return {
    id: row.id,
    orgId: row.org_id,
    collectionId: row.collection_id,
    status: row.status as TaxiiStatus['status'],
    requestTimestamp: Number(row.request_timestamp),
    totalCount: Number(row.total_count),
    successCount: Number(row.success_count),
    failureCount: Number(row.failure_count),
    pendingCount: Number(row.pending_count),
    successes: details(row.successes),
    failures: details(row.failures),
    pendings: details(row.pendings),
  };
}

/** TAXII status resources, seen only by the organisation that posted (`org_id = scope.orgId`). */
export function taxiiStatusRepo(ctx: RepoContext): TaxiiStatusRepo {
  const { db, scope } = ctx;
  const confined = scopeOrgId(scope);
  return {
    async create(status) {
      assertWritable(scope, status.orgId, 'status');
      await auditAuthority(ctx, 'write.taxii_statuses', status.id, { orgIds: [status.orgId] });
      try {
        await db
          .insertInto('taxii_statuses')
          .values({
            id: status.id, org_id: status.orgId, collection_id: status.collectionId, status: status.status,
            request_timestamp: status.requestTimestamp, total_count: status.totalCount, success_count: status.successCount,
            failure_count: status.failureCount, pending_count: status.pendingCount, successes: JSON.stringify(status.successes),
            failures: JSON.stringify(status.failures), pendings: JSON.stringify(status.pendings),
          })
          .execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw new ShieldwallError('CONFLICT', `status ${status.id} already exists`, { where: 'status.id' });
        throw e;
      }
      return status;
    },

    async get(id) {
      let q = db.selectFrom('taxii_statuses').selectAll().where('id', '=', id);
      if (confined !== null) q = q.where('org_id', '=', confined);
      const row = await q.executeTakeFirst();
      await auditAuthority(ctx, 'read.taxii_statuses', id, { orgIds: row ? [row.org_id] : [] });
      return row ? toStatus(row) : null;
    },
  };
}
