import type { Kysely, Migration } from 'kysely';

/**
 * Feed subscriptions: a peer TAXII collection or a MISP feed an organisation imports from, with
 * the credentials to reach it and the cursor of the last successful poll (TAXII: the last
 * `X-TAXII-Date-Added-Last`; MISP feed: the timestamp of each event imported).
 */
export const feedSubscriptionsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('feed_subscriptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('collection_id', 'text')
      // Credentials as given ({kind, token} or {kind, user, password}): the poller must present
      // them, so they cannot be hashed; the database is the secret store here.
      .addColumn('auth', 'text')
      .addColumn('interval_s', 'integer', (c) => c.notNull())
      .addColumn('cursor', 'text')
      .addColumn('last_polled_at', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('feed_subscriptions_org').on('feed_subscriptions').columns(['org_id', 'created_at']).execute();
  },
};
