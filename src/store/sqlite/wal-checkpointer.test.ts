import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type BetterSqlite3 from 'better-sqlite3';
import { openSqliteConnection } from './sqlite-driver.js';
import { WalCheckpointer } from './wal-checkpointer.js';

const dirs: string[] = [];
const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// The driver's own type: the test writes with exec and reads with get, which the store's port leaves out.
type SqliteConnection = BetterSqlite3.Database;

function database(): { path: string; db: SqliteConnection } {
  const dir = mkdtempSync(join(tmpdir(), 'sw-wal-'));
  dirs.push(dir);
  const path = join(dir, 'store.db');
  const db = openSqliteConnection(path) as unknown as SqliteConnection;
  db.exec('create table t (v text)');
  return { path, db };
}

const kib = 1024;
const row = 'x'.repeat(30 * kib);
/** Commits `rows` rows of 30 KiB and tells the checkpointer, as the batch writer does. */
function commit(db: SqliteConnection, c: WalCheckpointer | undefined, rows: number): void {
  const insert = db.prepare('insert into t (v) values (?)');
  db.exec('begin');
  for (let i = 0; i < rows; i++) insert.run(row);
  db.exec('commit');
  c?.wrote(rows * row.length);
}

const size = (path: string) => statSync(path).size;

describe('WalCheckpointer', () => {
  it('copies the WAL into the database on its own thread once the threshold is written', async () => {
    const { path, db } = database();
    const c = WalCheckpointer.start(db, path, { thresholdBytes: 512 * kib, idleMs: 0 });
    open.push(db, c);
    commit(db, c, 10); // 300 KiB: under the threshold, nothing asked
    await c.settled();
    expect(c.stats.checkpoints).toBe(0);
    const before = size(path);
    commit(db, c, 10); // 600 KiB in all: one checkpoint
    await c.settled();
    expect(c.stats.checkpoints).toBe(1);
    expect(c.stats.framesCopied).toBeGreaterThanOrEqual(20);
    // The rows are in the database file itself now, and the writer's connection did not copy them.
    expect(size(path) - before).toBeGreaterThanOrEqual(20 * 30 * kib);
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 20 });
  });

  it("raises the writer's autocheckpoint to a backstop: sixteen times the threshold, at least SQLite's 1,000 pages", async () => {
    const small = database();
    open.push(small.db, WalCheckpointer.start(small.db, small.path, { thresholdBytes: 512 * kib, idleMs: 0 }));
    expect(small.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    const big = database();
    open.push(big.db, WalCheckpointer.start(big.db, big.path, { idleMs: 0 })); // 8 MiB
    expect(big.db.pragma('wal_autocheckpoint', { simple: true })).toBe(4096); // 128 MiB of 32 KiB pages
  });

  it('keeps the WAL about one threshold long while the writer goes on writing', async () => {
    const { path, db } = database();
    const c = WalCheckpointer.start(db, path, { thresholdBytes: 256 * kib, idleMs: 0 });
    open.push(db, c);
    let largest = 0;
    for (let i = 0; i < 40; i++) {
      commit(db, c, 4); // 120 KiB per commit, 4.7 MiB in all
      await c.settled();
      largest = Math.max(largest, size(`${path}-wal`));
    }
    expect(c.stats.checkpoints).toBe(13); // every third commit passes 256 KiB
    // Without the restarts the WAL would hold all 160 rows (~5 MiB): it restarted from its start.
    expect(largest).toBeLessThan(1024 * kib);
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 160 });
  });

  it('checkpoints again at once what was committed while it copied', async () => {
    const { path, db } = database();
    const c = WalCheckpointer.start(db, path, { thresholdBytes: 256 * kib, idleMs: 0 });
    open.push(db, c);
    commit(db, c, 10); // past the threshold: asked
    commit(db, c, 1); // committed before the thread could answer
    await c.settled();
    expect(c.stats.checkpoints).toBe(2);
    commit(db, c, 1); // under the threshold, nothing running: not asked
    await c.settled();
    expect(c.stats.checkpoints).toBe(2);
  });

  it('checkpoints small writes when idle', async () => {
    const { path, db } = database();
    const c = WalCheckpointer.start(db, path, { thresholdBytes: 64 * 1024 * kib, idleMs: 50 });
    open.push(db, c);
    const before = size(path);
    commit(db, c, 3);
    const deadline = Date.now() + 5000;
    while (size(path) - before < 3 * 30 * kib && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(size(path) - before).toBeGreaterThanOrEqual(3 * 30 * kib);
  });

  it('reports a thread that cannot open the database and gives the writer its autocheckpoint back', async () => {
    const { path, db } = database();
    const errors: Error[] = [];
    // A directory is no database file: the thread's open fails.
    const c = WalCheckpointer.start(db, join(path, '..'), { thresholdBytes: 64 * kib, onError: (e) => errors.push(e) });
    open.push(db, c);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBeGreaterThanOrEqual(1000);
    db.pragma('wal_autocheckpoint = 5000');
    const deadline = Date.now() + 10_000;
    while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/cannot open .* for checkpoints/);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // Writes go on, and telling the failed checkpointer about them is harmless.
    commit(db, c, 3);
    await c.settled();
    expect(c.stats.checkpoints).toBe(0);
  });

  it('closes its thread; the writer then closes the database alone', async () => {
    const { path, db } = database();
    const c = WalCheckpointer.start(db, path, { thresholdBytes: 64 * kib });
    commit(db, c, 3);
    await c.settled();
    await c.close();
    await c.close();
    c.wrote(10 * 1024 * kib);
    await c.settled();
    db.close();
    // The last connection's close checkpoints and removes the WAL.
    expect(() => statSync(`${path}-wal`)).toThrow();
    expect(c.stats.checkpoints).toBe(1);
  });
});
