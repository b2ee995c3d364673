import { sql, SqliteAdapter, type Kysely, type Migration } from 'kysely';

/** Copies the events table into one whose rowid is an explicit `seq` (SQLite cannot add a key column). */
async function rebuildSqliteEvents(db: Kysely<unknown>): Promise<void> {
  const columns = sql.raw('org_id, id, time, received_at, source, product, category, service, message, data, batch_id, batch_seq');
  await sql`create table events_0006 (
    seq integer primary key,
    org_id text not null, id text not null, time bigint not null, received_at bigint not null, source text not null,
    product text, category text, service text, message text, data text not null, batch_id text, batch_seq integer,
    constraint events_pk unique (org_id, id))`.execute(db);
  // rowid becomes seq, so the ranges recorded below stay true and the order of arrival is kept.
  await sql`insert into events_0006 (seq, ${columns}) select rowid, ${columns} from events`.execute(db);
  await recordPendingRanges(db, 'rowid');
  await sql`drop table events`.execute(db);
  await sql`alter table events_0006 rename to events`.execute(db);
  await db.schema.createIndex('events_org_time').on('events').columns(['org_id', 'time', 'id']).execute();
  await db.schema.createIndex('events_org_received').on('events').columns(['org_id', 'received_at']).execute();
}

/** Fills the sequence range of every batch still pending, using the (org, batch, seq) index while it exists. */
async function recordPendingRanges(db: Kysely<unknown>, seq: 'rowid' | 'seq'): Promise<void> {
  const key = sql.ref(seq);
  const inBatch = sql`from events e where e.org_id = ingest_batches.org_id and e.batch_id = ingest_batches.batch_id`;
  await sql`update ingest_batches set first_seq = (select min(${key}) ${inBatch}), last_seq = (select max(${key}) ${inBatch})`.execute(db);
}

/**
 * Events get a monotonic sequence number, and a pending batch records the range of sequence
 * numbers its events received; the per-event (org_id, batch_id, batch_seq) index goes. Reading a
 * pending batch back is then a range scan of the sequence, and each event costs one B-tree fewer
 * to insert (four on SQLite, where `seq` is the rowid itself: the table, (org_id, id), (org_id,
 * time, id), (org_id, received_at)). On PostgreSQL `seq` is an identity column with an index of its
 * own, 8-byte keys that only ever append, instead of the text (org, batch, position) keys.
 *
 * On SQLite the events table is copied (it cannot gain a key column in place): on a large store
 * the migration takes about as long as copying the file.
 */
export const eventSequenceMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('ingest_batches').addColumn('first_seq', 'bigint').execute();
    await db.schema.alterTable('ingest_batches').addColumn('last_seq', 'bigint').execute();
    if (db.getExecutor().adapter instanceof SqliteAdapter) {
      await rebuildSqliteEvents(db);
      return;
    }
    await sql`alter table events add column seq bigint generated always as identity`.execute(db);
    await db.schema.createIndex('events_seq').on('events').column('seq').execute();
    await recordPendingRanges(db, 'seq');
    await db.schema.dropIndex('events_org_batch').execute();
  },
};
