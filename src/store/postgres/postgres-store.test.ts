import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { requireService } from '../../../test/services.js';
import { storeConformance } from '../store-conformance.js';
import { createPostgresStore } from './postgres-store.js';

const url = process.env.SHIELDWALL_TEST_PG_URL ?? 'postgres://127.0.0.1:5432/test';
// Same default user as the store (libpq's rule), so the probe fails only when the store would.
const probeUrl = (() => {
  const u = new URL(url);
  if (!u.username && !process.env.PGUSER) u.username = userInfo().username;
  return u.toString();
})();

async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: probeUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const available = await requireService(`PostgreSQL at ${new URL(url).host}`, async () => {
  const store = await createPostgresStore({ url });
  await store.close();
});

const schemas: string[] = [];
afterEach(async () => {
  const dropped = schemas.splice(0);
  if (dropped.length === 0) return;
  await withClient(async (c) => {
    for (const s of dropped) await c.query(`drop schema if exists "${s}" cascade`);
  });
});

/** A schema of its own for every test, so parallel runs never see each other's rows. */
function freshSchema(): string {
  const schema = `sw_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
}

if (available) {
  storeConformance('postgres', (env) => createPostgresStore({ url, schema: freshSchema(), ...env }));

  describe('postgres store', () => {
    it('creates its schema and keeps every table in it', async () => {
      const schema = freshSchema();
      const store = await createPostgresStore({ url, schema });
      await store.migrate();
      await store.close();
      const tables = await withClient(async (c) =>
        (await c.query('select table_name from information_schema.tables where table_schema = $1 order by 1', [schema])).rows.map(
          (r: { table_name: string }) => r.table_name,
        ),
      );
      expect(tables).toEqual([
        'alerts', 'api_tokens', 'audit_log', 'events', 'feed_subscriptions', 'indicator_values', 'ingest_batches', 'intel_objects', 'kysely_migration', 'kysely_migration_lock',
        'organisations', 'taxii_collection_grants', 'taxii_collection_objects', 'taxii_collections', 'taxii_statuses',
      ]);
    });

    it('refuses a schema name that is not a plain identifier', async () => {
      await expect(createPostgresStore({ url, schema: 'x"; drop schema public; --' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
      await expect(createPostgresStore({ url, schema: 'MixedCase' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    });
  });
} else {
  describe.skip('postgres store (PostgreSQL unreachable, reason printed above)', () => {
    it('runs the store conformance suite', () => undefined);
  });
}
