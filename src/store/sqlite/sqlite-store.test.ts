import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { orgScope } from '../store.js';
import { KyselyStore } from '../kysely-store.js';
import { storeConformance } from '../store-conformance.js';
import type { Database } from '../schema.js';
import { openSqliteConnection } from './sqlite-driver.js';
import { createSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sw-sqlite-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

storeConformance('sqlite (file)', (env) => createSqliteStore({ path: join(tempDir(), 'nested', 'store.db'), ...env }));
// A server's store: WAL checkpoints on their own thread, asked for after every 64 KiB of events.
storeConformance('sqlite (file, background checkpoints)', (env) =>
  createSqliteStore({ path: join(tempDir(), 'store.db'), backgroundCheckpoints: { thresholdBytes: 64 * 1024 }, ...env }));
storeConformance('sqlite (:memory:)', (env) => createSqliteStore({ path: ':memory:', ...env }));
// The portable Kysely batch writer, which no adapter uses today, stays held to the same contract.
storeConformance('sqlite (:memory:, portable batch writer)', async (env) => {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqliteConnection(':memory:') }) });
  return new KyselyStore({ db, dialect: 'sqlite', location: 'SQLite in memory', ...env });
});

describe('sqlite store', () => {
  it('keeps its data across close and reopen, in WAL mode with foreign keys on', async () => {
    const path = join(tempDir(), 'a', 'b', 'durable.db');
    const first = await createSqliteStore({ path });
    await first.migrate();
    await first.scoped(orgScope('org-a')).organisations.create({ name: 'A' });
    await first.scoped(orgScope('org-a')).audit.append({ actor: 'x', action: 'one', at: 1 });
    await first.close();

    const second = await createSqliteStore({ path });
    expect(await second.migrate()).toEqual({ applied: [], current: '0006_event_sequence' });
    expect((await second.scoped(orgScope('org-a')).organisations.get('org-a'))?.name).toBe('A');
    expect(await second.scoped(orgScope('org-a')).audit.verify()).toBeNull();
    const db = (second as KyselyStore).db;
    const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
    expect(pragma && (await pragma('journal_mode'))).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('synchronous')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    expect(await pragma('page_size')).toBe(32768);
    await second.close();
  });

  it('answers each event query from an index or a rowid range (EXPLAIN QUERY PLAN), never a scan of events', async () => {
    const store = (await createSqliteStore({ path: join(tempDir(), 'plan.db') })) as KyselyStore;
    await store.migrate();
    const plan = async (query: string) =>
      (await sql.raw<{ detail: string }>(`explain query plan ${query}`).execute(store.db)).rows.map((r) => r.detail).join('; ');
    // batchEvents: the sequence range of the pending mark, on the rowid itself.
    expect(await plan(`select * from events where seq >= 1 and seq <= 9 order by seq`)).toMatch(
      /^SEARCH events USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)$/,
    );
    // query: org scope, time range, field filters and text, newest first, straight off (org_id, time, id).
    expect(
      await plan(
        `select * from events where org_id = 'a' and time >= 1 and time < 9 and source = 's' and lower(message) like '%x%' escape '\\' ` +
          `and (time, id, org_id) < (5, 'i', 'a') order by time desc, id desc, org_id desc limit 101`,
      ),
    ).toMatch(/^SEARCH events USING INDEX events_org_time \(org_id=\? AND time>\? AND time<\?\)$/);
    // Retention, org-scoped, and get by id.
    expect(await plan(`delete from events where received_at < 9 and org_id = 'a'`)).toMatch(/USING (COVERING )?INDEX events_org_received/);
    expect(await plan(`select * from events where id = 'x' and org_id = 'a'`)).toMatch(/USING INDEX sqlite_autoindex_events/);
    await store.close();
  });

  it('answers ping with STORE_UNAVAILABLE once closed', async () => {
    const store = await createSqliteStore({ path: ':memory:' });
    await store.ping();
    await store.close();
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('fails to open a path that is a directory with STORE_UNAVAILABLE naming the path', async () => {
    const dir = tempDir();
    const err = await createSqliteStore({ path: dir }).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((err as Error).message).toContain(dir);
  });
});
