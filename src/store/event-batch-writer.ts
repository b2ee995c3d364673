import type { Kysely } from 'kysely';
import { eventRow, insertChunk } from './event-row.js';
import type { Database } from './schema.js';
import type { NewEvent } from './store.js';

/** The batch being stored: who sent it, its id (unique per organisation) and when it arrived. */
export interface BatchHeader {
  orgId: string;
  batchId: string;
  receivedAt: number;
}

/**
 * The hot write of the ingest path: a batch's events and its pending mark, in one transaction.
 * Events whose (org, id) is already stored are skipped, so a retried batch inserts nothing.
 * Callers have checked scope and organisation and written the audit entry.
 *
 * A seam of its own because it is the one write whose cost is per event: the portable
 * implementation below builds Kysely queries, and an adapter may supply a faster one for its
 * driver (the SQLite adapter runs one prepared statement per row).
 */
export interface EventBatchWriter {
  /** Returns the number of events inserted. */
  write(batch: BatchHeader, events: readonly NewEvent[]): Promise<number>;
}

/** The portable writer: multi-row Kysely INSERTs of `insertChunk` rows. */
export function kyselyEventBatchWriter(db: Kysely<Database>): EventBatchWriter {
  return {
    write(batch, events) {
      return db.transaction().execute(async (trx) => {
        let inserted = 0;
        for (let i = 0; i < events.length; i += insertChunk) {
          const chunk = events.slice(i, i + insertChunk);
          const result = await trx
            .insertInto('events')
            .values(chunk.map((e, j) => eventRow(e, batch.batchId, i + j)))
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst();
          inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
        }
        await trx
          .insertInto('ingest_batches')
          .values({ org_id: batch.orgId, batch_id: batch.batchId, received_at: batch.receivedAt, event_count: events.length })
          .onConflict((oc) => oc.doNothing())
          .execute();
        return inserted;
      });
    },
  };
}
