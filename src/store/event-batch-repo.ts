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
      // The events are found by the sequence range the pending mark recorded (no per-event index
      // on the batch id): a batch that is no longer pending has no range, so it reads as empty.
      const mark = await db
        .selectFrom('ingest_batches')
        .select(['first_seq', 'last_seq'])
        .where('org_id', '=', batch.orgId)
        .where('batch_id', '=', batch.batchId)
        .executeTakeFirst();
      // Only the range in SQL: with `org_id` there too, SQLite without statistics prefers the
      // (org_id, received_at) index and sorts the organisation's whole history. The range holds this
      // batch's events, and on PostgreSQL maybe other writers' (interleaved sequences): filter here.
      const inRange =
        mark?.first_seq == null || mark.last_seq == null
          ? []
          : await db
              .selectFrom('events')
              .selectAll()
              .where('seq', '>=', Number(mark.first_seq))
              .where('seq', '<=', Number(mark.last_seq))
              .orderBy('seq')
              .execute();
      const rows = inRange.filter((r) => r.org_id === batch.orgId && r.batch_id === batch.batchId);
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
