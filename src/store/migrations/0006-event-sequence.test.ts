import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { requireService } from '../../../test/services.js';
import { eventRow } from '../event-row.js';
import { KyselyStore } from '../kysely-store.js';
import { createPostgresStore } from '../postgres/postgres-store.js';
import { createSqliteStore } from '../sqlite/sqlite-store.js';
import { orgScope, type NewEvent, type Store } from '../store.js';
import { storeMigrationProvider } from './store-migrations.js';

const pgUrl = process.env.SHIELDWALL_TEST_PG_URL ?? 'postgres://127.0.0.1:5432/test';
const pgUp = await requireService(`PostgreSQL at ${new URL(pgUrl).host}`, async () => (await createPostgresStore({ url: pgUrl })).close());

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sqliteStore(): Promise<{ store: KyselyStore; schema?: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sw-0006-'));
  const store = (await createSqliteStore({ path: join(dir, 'store.db') })) as KyselyStore;
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => store.close());
  return { store };
}

async function postgresStore(): Promise<{ store: KyselyStore; schema?: string }> {
  const schema = `sw_test_${randomBytes(6).toString('hex')}`;
  const store = (await createPostgresStore({ url: pgUrl, schema })) as KyselyStore;
  cleanups.push(async () => {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
    await store.close();
  });
  return { store, schema };
}

function event(id: string, time: number, receivedAt = time + 5): NewEvent {
  return { id, orgId: 'org-a', time, receivedAt, source: 'http', product: 'windows', category: null, service: null, message: `event ${id}`, data: { id } };
}

const dialects: [string, () => Promise<{ store: KyselyStore; schema?: string }>, boolean][] = [
  ['sqlite (file)', sqliteStore, true],
  ['postgres', postgresStore, pgUp],
];

describe.each(dialects)('migration 0006 on a populated %s store', (_name, open, available) => {
  it.runIf(available)('keeps every event, finds a pending batch by its sequence range, and drops the (org, batch, seq) index', async () => {
    const { store, schema } = await open();
    const migrator = new Migrator({ db: store.db, provider: storeMigrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
    expect((await migrator.migrateTo('0005_feed_subscriptions')).error).toBeUndefined();
    // The rows 0002–0005 wrote: a completed batch, a pending one (positions out of id order), a plain insert.
    const rows = [
      eventRow(event('done-1', 1000), 'b-done', 0),
      eventRow(event('z', 3000), 'b-pending', 0),
      eventRow(event('a', 1000), 'b-pending', 1),
      eventRow(event('m', 2000), 'b-pending', 2),
      eventRow(event('plain', 500)),
    ];
    await store.db.insertInto('events').values(rows).execute();
    await sql`insert into ingest_batches (org_id, batch_id, received_at, event_count) values ('org-a', 'b-pending', 7, 3)`.execute(store.db);

    expect(await store.migrate()).toEqual({ applied: ['0006_event_sequence'], current: '0006_event_sequence' });

    const events = (store as Store).scoped(orgScope('org-a')).events;
    expect(await events.pendingBatches()).toEqual([{ orgId: 'org-a', batchId: 'b-pending', receivedAt: 7, count: 3 }]);
    expect((await events.batchEvents({ orgId: 'org-a', batchId: 'b-pending' })).map((e) => e.id)).toEqual(['z', 'a', 'm']);
    expect(await events.batchEvents({ orgId: 'org-a', batchId: 'b-done' })).toEqual([]);
    expect((await events.query({})).items.map((e) => e.id)).toEqual(['z', 'm', 'done-1', 'a', 'plain']);
    expect((await events.get('plain'))?.data).toEqual({ id: 'plain' });

    // New batches get sequence numbers after the migrated rows, and are read back by their range.
    expect(await events.insertBatch({ orgId: 'org-a', batchId: 'b-new', receivedAt: 9 }, [event('n2', 9000), event('n1', 8000), event('a', 1)])).toBe(2);
    expect((await events.batchEvents({ orgId: 'org-a', batchId: 'b-new' })).map((e) => e.id)).toEqual(['n2', 'n1']);
    expect(await events.completeBatch({ orgId: 'org-a', batchId: 'b-pending' })).toBe(true);
    expect(await events.batchEvents({ orgId: 'org-a', batchId: 'b-pending' })).toEqual([]);
    expect(await events.deleteOlderThan(2000)).toBe(3);
    expect((await events.query({})).items.map((e) => e.id)).toEqual(['n2', 'n1', 'z', 'm']);

    const indexes =
      store.dialect === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'events' and sql is not null order by name`.execute(store.db)).rows
        : (await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = ${schema} and tablename = 'events' order by 1`.execute(store.db)).rows;
    expect(indexes.map((r) => r.name)).toEqual(
      store.dialect === 'sqlite' ? ['events_org_received', 'events_org_time'] : ['events_org_received', 'events_org_time', 'events_pk', 'events_seq'],
    );
  });
});
