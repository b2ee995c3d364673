import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './0001-initial.js';
import { ingestBatchesMigration } from './0002-ingest-batches.js';
import { intelMigration } from './0003-intel.js';
import { feedSubscriptionsMigration } from './0005-feed-subscriptions.js';
import { eventSequenceMigration } from './0006-event-sequence.js';

/**
 * Runs a migration in a transaction when Kysely has not opened one. Kysely wraps migrations only
 * where its adapter declares transactional DDL (PostgreSQL); SQLite has it too, so without this a
 * failed migration would leave half its tables behind and every retry would fail on them.
 */
function atomic(migration: Migration): Migration {
  const inTransaction = (step: (db: Kysely<unknown>) => Promise<void>) => (db: Kysely<unknown>) =>
    db.isTransaction ? step(db) : db.transaction().execute((trx) => step(trx));
  return { up: inTransaction(migration.up), ...(migration.down ? { down: inTransaction(migration.down) } : {}) };
}

/**
 * Every migration, listed explicitly in order (no directory scan: the bundle and the tests see the
 * same list). Names sort in application order; never rename or edit one that has shipped.
 */
export const storeMigrations: Readonly<Record<string, Migration>> = {
  '0001_initial': atomic(initialMigration),
  '0002_ingest_batches': atomic(ingestBatchesMigration),
  '0003_intel': atomic(intelMigration),
  '0005_feed_subscriptions': atomic(feedSubscriptionsMigration),
  '0006_event_sequence': atomic(eventSequenceMigration),
};

/** Kysely provider over the static list. */
export const storeMigrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...storeMigrations }),
};
