import type { Kysely, Migration } from 'kysely';

/**
 * Threat intelligence: STIX objects (one row per version), TAXII collections with per-organisation
 * grants, collection membership, TAXII status resources and the index of indicator values.
 *
 * STIX timestamps and TAXII `date_added` are stored as µs-epoch bigints: STIX allows sub-millisecond
 * precision, and membership needs a `date_added` that is strictly increasing per collection even
 * when many objects arrive in the same millisecond (see taxii-collection-repo.ts).
 */
export const intelMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('intel_objects')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('modified', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('spec_version', 'text', (c) => c.notNull())
      .addColumn('created', 'bigint')
      .addColumn('revoked', 'integer', (c) => c.notNull())
      .addColumn('tlp', 'text')
      .addColumn('stored_at', 'bigint', (c) => c.notNull())
      .addColumn('json', 'text', (c) => c.notNull())
      // org_id first: two organisations importing the same public object each keep their copy.
      .addPrimaryKeyConstraint('intel_objects_pk', ['org_id', 'id', 'modified'])
      .execute();
    await db.schema.createIndex('intel_objects_org_type').on('intel_objects').columns(['org_id', 'type', 'id']).execute();
    await db.schema.createIndex('intel_objects_id').on('intel_objects').columns(['id']).execute();

    await db.schema
      .createTable('taxii_collections')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('alias', 'text')
      .addColumn('media_types', 'text', (c) => c.notNull())
      .addColumn('read_role', 'text', (c) => c.notNull())
      .addColumn('write_role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      // Highest date_added handed out (µs); the row is locked while a POST allocates the next ones.
      .addColumn('last_added', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('taxii_collections_org').on('taxii_collections').columns(['org_id']).execute();

    await db.schema
      .createTable('taxii_collection_grants')
      .addColumn('collection_id', 'text', (c) => c.notNull().references('taxii_collections.id'))
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('can_read', 'integer', (c) => c.notNull())
      .addColumn('can_write', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('taxii_collection_grants_pk', ['collection_id', 'org_id'])
      .execute();
    await db.schema.createIndex('taxii_collection_grants_org').on('taxii_collection_grants').columns(['org_id']).execute();

    await db.schema
      .createTable('taxii_collection_objects')
      .addColumn('collection_id', 'text', (c) => c.notNull())
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('modified', 'bigint', (c) => c.notNull())
      .addColumn('date_added', 'bigint', (c) => c.notNull())
      // Producer of the stored version (the join key into intel_objects).
      .addColumn('org_id', 'text', (c) => c.notNull())
      // 1 on the latest version of the object in this collection: TAXII's default match[version]=last
      // then filters on a column instead of a correlated max() per row.
      .addColumn('last_version', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('taxii_collection_objects_pk', ['collection_id', 'object_id', 'modified'])
      .execute();
    await db.schema
      .createIndex('taxii_collection_objects_added')
      .unique()
      .on('taxii_collection_objects')
      .columns(['collection_id', 'date_added'])
      .execute();

    await db.schema
      .createTable('taxii_statuses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('collection_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('request_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('total_count', 'integer', (c) => c.notNull())
      .addColumn('success_count', 'integer', (c) => c.notNull())
      .addColumn('failure_count', 'integer', (c) => c.notNull())
      .addColumn('pending_count', 'integer', (c) => c.notNull())
      .addColumn('successes', 'text', (c) => c.notNull())
      .addColumn('failures', 'text', (c) => c.notNull())
      .addColumn('pendings', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('taxii_statuses_org').on('taxii_statuses').columns(['org_id']).execute();

    await db.schema
      .createTable('indicator_values')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('indicator_id', 'text', (c) => c.notNull())
      .addColumn('observable_type', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('indicator_values_pk', ['org_id', 'indicator_id', 'observable_type', 'value'])
      .execute();
    await db.schema.createIndex('indicator_values_value').on('indicator_values').columns(['value', 'org_id']).execute();
  },
};
