import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { KyselyStore } from '../kysely-store.js';
import { createSqliteStore } from '../sqlite/sqlite-store.js';
import { storeMigrations } from './store-migrations.js';

describe('runMigrations', () => {
  it('names the failing migration and its reason in STORE_MIGRATION_FAILED, and applies nothing of it', async () => {
    const store = (await createSqliteStore({ path: ':memory:' })) as KyselyStore;
    // A leftover table with the same name makes the initial migration fail half-way through.
    await sql`create table alerts (x integer)`.execute(store.db);
    const err = await store.migrate().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ShieldwallError);
    expect((err as ShieldwallError).code).toBe('STORE_MIGRATION_FAILED');
    expect((err as ShieldwallError).message).toMatch(/^migration 0001_initial failed: .*alerts.*already exists/);
    expect((err as ShieldwallError).details).toEqual({ migration: '0001_initial' });
    // Each migration runs in a transaction: the tables it created before failing are gone.
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = 'organisations'`.execute(store.db);
    expect(tables.rows).toEqual([]);
    // With the cause removed, the same store migrates cleanly.
    await sql`drop table alerts`.execute(store.db);
    const all = Object.keys(storeMigrations).sort();
    expect(await store.migrate()).toEqual({ applied: all, current: all.at(-1) });
    await store.close();
  });
});
