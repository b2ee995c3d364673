import BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * What the store needs of a SQLite connection: Kysely's statement interface plus pragmas. Only
 * this file knows the driver is better-sqlite3.
 */
export interface SqliteConnection extends SqliteDatabase {
  pragma(source: string, options?: { simple?: boolean }): unknown;
}

/**
 * Page size of new databases. An event row is ~5 KB of JSON: with 4 KiB pages it spills into
 * overflow pages and every page costs a pwrite to the WAL and another at checkpoint. 32 KiB pages
 * cut the system CPU of inserting an event by half and the user CPU by a fifth (`npm run
 * bench:store`, docs/benchmarks.md "2026-11-26 event storage"). Existing files keep their size.
 */
export const sqlitePageSize = 32768;

/**
 * Opens a connection tuned for a single-node server: WAL lets readers run beside the writer,
 * synchronous=NORMAL is durable across process crashes in WAL mode, busy_timeout waits for
 * another process (a CLI command) instead of failing with SQLITE_BUSY, and foreign keys are on.
 */
export function openSqliteConnection(path: string): SqliteConnection {
  const db = new BetterSqlite3(path);
  try {
    // Only takes effect on a new, empty file (set before WAL, which fixes it); see sqlitePageSize.
    db.pragma(`page_size = ${sqlitePageSize}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
