import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import { ShieldwallError } from '../../errors/error-catalog.js';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { KyselyStore, storeErrorReason } from '../kysely-store.js';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';
import { openSqliteConnection } from './sqlite-driver.js';
import { sqliteEventBatchWriter } from './sqlite-event-batch-writer.js';
import { WalCheckpointer, type WalCheckpointerOptions } from './wal-checkpointer.js';

/** Options of the embedded store. */
export interface SqliteStoreOptions {
  /** Database file (its directory is created), or `:memory:`. */
  path: string;
  clock?: Clock;
  ids?: IdGenerator;
  /**
   * Checkpoint the WAL on a thread of its own ({@link WalCheckpointer}) instead of in the thread
   * that commits: for a long-running server. Ignored in memory.
   */
  backgroundCheckpoints?: WalCheckpointerOptions;
}

/**
 * Opens (creating if needed) a SQLite store. The connection is opened eagerly so that a bad path
 * fails here with STORE_UNAVAILABLE rather than at the first query. Call `migrate()` before use.
 */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const memory = options.path === ':memory:';
  const location = memory ? 'SQLite in memory' : `SQLite at ${resolve(options.path)}`;
  let connection;
  try {
    if (!memory) mkdirSync(dirname(resolve(options.path)), { recursive: true });
    connection = openSqliteConnection(options.path);
  } catch (e) {
    throw new ShieldwallError('STORE_UNAVAILABLE', `cannot open ${location}: ${storeErrorReason(e)}`, { path: options.path }, { cause: e });
  }
  const checkpointer = options.backgroundCheckpoints && !memory ? WalCheckpointer.start(connection, resolve(options.path), options.backgroundCheckpoints) : undefined;
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  return new KyselyStore({
    db, dialect: 'sqlite', location, clock: options.clock, ids: options.ids,
    eventBatchWriter: sqliteEventBatchWriter(db, connection, checkpointer && ((bytes) => checkpointer.wrote(bytes))),
    ...(checkpointer ? { onClose: () => checkpointer.close() } : {}),
  });
}
