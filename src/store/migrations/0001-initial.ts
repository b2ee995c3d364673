import type { Kysely, Migration } from 'kysely';

/**
 * The initial schema, written once for both dialects: text ids, bigint ms-epoch timestamps, JSON as
 * text (see schema.ts). Events and alerts are keyed by (org_id, id) so one organisation can never
 * collide with, or probe for, another's ids; they carry no foreign key to organisations because
 * they are high-volume and already reach the store through an authenticated organisation.
 */
export const initialMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('organisations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text', (c) => c.references('organisations.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('api_tokens_org').on('api_tokens').columns(['org_id']).execute();

    await db.schema
      .createTable('events')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('time', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('product', 'text')
      .addColumn('category', 'text')
      .addColumn('service', 'text')
      .addColumn('message', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('events_pk', ['org_id', 'id'])
      .execute();
    // id completes the page order (time desc, id desc), so a page is read straight off the index.
    await db.schema.createIndex('events_org_time').on('events').columns(['org_id', 'time', 'id']).execute();
    await db.schema.createIndex('events_org_received').on('events').columns(['org_id', 'received_at']).execute();

    await db.schema
      .createTable('alerts')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('time', 'bigint', (c) => c.notNull())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('rule_title', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('alerts_pk', ['org_id', 'id'])
      .addUniqueConstraint('alerts_once_per_event', ['org_id', 'rule_id', 'event_id'])
      .execute();
    await db.schema.createIndex('alerts_org_time').on('alerts').columns(['org_id', 'time', 'id']).execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      // At most one successor per entry: concurrent appends cannot fork a chain.
      .addUniqueConstraint('audit_log_chain_link', ['org_id', 'prev_hash'])
      .execute();
    await db.schema.createIndex('audit_log_org_seq').on('audit_log').columns(['org_id', 'seq']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['audit_log', 'alerts', 'events', 'api_tokens', 'organisations']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
