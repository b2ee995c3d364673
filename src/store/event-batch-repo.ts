import { ShieldwallError } from '../errors/error-catalog.js';
import { toEvent } from './event-row.js';
import { assertWritable, auditAuthority, scopeOrgId, type RepoContext } from './repo-context.js';
import type { EventRepo } from './store.js';

type BatchMethods = Pick<EventRepo, 'insertBatch' | 'pendingBatches' | 'batchEvents' | 'completeBatch'>;

/** The pending-batch half of the event repository (see EventRepo.insertBatch). */
export function eventBatchMethods(ctx: RepoContext): BatchMethods {
  const { db, scope } = ctx;
  const writer = ctx.eventBatchWriter;
  const confined = scopeOrgId(scope);
  const visible = (orgId: string) => confined === null || confined === orgId;

  return {
    async insertBatch(batch, events) {
      assertWritable(scope, batch.orgId, 'batch');
      events.forEach((e, i) => {
        if (e?.orgId !== batch.orgId) {
          throw new ShieldwallError('VALIDATION_FAILED', `events[${i}].orgId ${JSON.stringify(e?.orgId)} differs from the batch's ${batch.orgId}`);
        }
      });
      await auditAuthority(ctx, 'write.events', batch.batchId, { orgIds: [batch.orgId], count: events.length });
      return writer.write(batch, events);
    },

    async pendingBatches(limit = 1000) {
      let q = db.selectFrom('ingest_batches').selectAll();
      if (confined !== null) q = q.where('org_id', '=', confined);
      const rows = await q.orderBy('received_at').orderBy('batch_id').limit(limit).execute();
      await auditAuthority(ctx, 'read.ingest_batches', null, { count: rows.length });
      return rows.map((r) => ({ orgId: r.org_id, batchId: r.batch_id, receivedAt: Number(r.received_at), count: Number(r.event_count) }));
    },

    async batchEvents(batch) {
      if (!visible(batch.orgId)) return [];
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('org_id', '=', batch.orgId)
        .where('batch_id', '=', batch.batchId)
        .orderBy('batch_seq')
        .execute();
      await auditAuthority(ctx, 'read.events', batch.batchId, { orgIds: [batch.orgId], count: rows.length });
      return rows.map(toEvent);
    },

    async completeBatch(batch) {
      if (!visible(batch.orgId)) return false;
      const result = await db
        .deleteFrom('ingest_batches')
        .where('org_id', '=', batch.orgId)
        .where('batch_id', '=', batch.batchId)
        .executeTakeFirst();
      await auditAuthority(ctx, 'delete.ingest_batches', batch.batchId, { orgIds: [batch.orgId] });
      return Number(result.numDeletedRows) > 0;
    },
  };
}
