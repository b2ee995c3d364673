import type { Kysely, Migration } from 'kysely';

/**
 * Pending ingest batches: the events of a batch and its pending mark are written in one
 * transaction, and the mark is removed once detection has stored the batch's alerts. After a crash
 * the node re-queues what is still marked, so an acknowledged event is always detected, even when
 * the bus kept its messages only in memory.
 */
export const ingestBatchesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('events').addColumn('batch_id', 'text').execute();
    await db.schema.alterTable('events').addColumn('batch_seq', 'integer').execute();
    await db.schema.createIndex('events_org_batch').on('events').columns(['org_id', 'batch_id', 'batch_seq']).execute();
    await db.schema
      .createTable('ingest_batches')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('batch_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('event_count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('ingest_batches_pk', ['org_id', 'batch_id'])
      .execute();
  },
};
