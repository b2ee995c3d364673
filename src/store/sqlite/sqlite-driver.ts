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
 * Opens a connection tuned for a single-node server: WAL lets readers run beside the writer,
 * synchronous=NORMAL is durable across process crashes in WAL mode, busy_timeout waits for
 * another process (a CLI command) instead of failing with SQLITE_BUSY, and foreign keys are on.
 */
export function openSqliteConnection(path: string): SqliteConnection {
  const db = new BetterSqlite3(path);
  try {
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
