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
 * Events whose (org, id) is already stored are skipped, so a retried batch inserts nothing. The
 * mark records the lowest and highest `seq` of the events inserted (null, null when none was):
 * `batchEvents` reads that range back. Other writers' events may fall inside the range on
 * PostgreSQL, where sequences interleave across connections; readers filter on `batch_id` too.
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

/**
 * Records a batch as pending with the sequence range of its inserted events; a retried batch
 * keeps the mark (and range) of its first attempt.
 */
export async function markPending(trx: Kysely<Database>, batch: BatchHeader, count: number, first: number | null, last: number | null): Promise<void> {
  await trx
    .insertInto('ingest_batches')
    .values({ org_id: batch.orgId, batch_id: batch.batchId, received_at: batch.receivedAt, event_count: count, first_seq: first, last_seq: last })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * Writes a batch in one transaction as INSERTs of at most `insertChunk` rows, each answering the
 * `seq` of the rows it inserted, then the pending mark with their range. `insert` gets a chunk and
 * the position of its first event in the batch (its `batch_seq`).
 */
export function writeInChunks(
  db: Kysely<Database>,
  batch: BatchHeader,
  events: readonly NewEvent[],
  insert: (trx: Kysely<Database>, chunk: readonly NewEvent[], offset: number) => Promise<readonly { seq: number | string }[]>,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let inserted = 0;
    let first: number | null = null;
    let last: number | null = null;
    for (let i = 0; i < events.length; i += insertChunk) {
      const rows = await insert(trx, events.slice(i, i + insertChunk), i);
      for (const { seq } of rows) {
        const n = Number(seq);
        if (first === null || n < first) first = n;
        if (last === null || n > last) last = n;
      }
      inserted += rows.length;
    }
    await markPending(trx, batch, events.length, first, last);
    return inserted;
  });
}

/** The portable writer: multi-row Kysely INSERTs of `insertChunk` rows. */
export function kyselyEventBatchWriter(db: Kysely<Database>): EventBatchWriter {
  return {
    write(batch, events) {
      return writeInChunks(db, batch, events, (trx, chunk, offset) =>
        trx
          .insertInto('events')
          .values(chunk.map((e, j) => eventRow(e, batch.batchId, offset + j)))
          .onConflict((oc) => oc.doNothing())
          .returning('seq')
          .execute(),
      );
    },
  };
}
