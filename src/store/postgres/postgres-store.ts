import { userInfo } from 'node:os';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ShieldwallError } from '../../errors/error-catalog.js';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { KyselyStore, storeErrorReason } from '../kysely-store.js';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';
import { postgresEventBatchWriter } from './postgres-event-batch-writer.js';

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/db`; a `schema` query parameter is ignored (use `schema`). */
  url: string;
  /** Schema to work in: created if missing and put first on every connection's search_path. */
  schema?: string;
  clock?: Clock;
  ids?: IdGenerator;
  /** Pool size; default 10. */
  maxConnections?: number;
}

// Lower case only: search_path folds unquoted names to lower case, so MySchema would miss "MySchema".
const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

/** Host and port of a URL for messages (no user, no password). */
export function postgresLocation(url: URL): string {
  return `PostgreSQL at ${url.hostname || 'localhost'}:${url.port || '5432'}`;
}

/**
 * Connects a pool, checks that the server answers (STORE_UNAVAILABLE otherwise, without the
 * password) and creates `schema` when given. Call `migrate()` before use.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new ShieldwallError('CONFIG_INVALID', 'database URL: not a valid postgres:// URL', { where: 'db.url' });
  }
  const location = postgresLocation(url);
  const { schema } = options;
  if (schema !== undefined && !schemaName.test(schema)) {
    throw new ShieldwallError('CONFIG_INVALID', `database schema: expected a lower-case identifier, got ${JSON.stringify(schema)}`, { where: 'db.url' });
  }
  url.searchParams.delete('schema');
  // libpq defaults the user to the OS account; pg only reads $USER, which services often lack.
  if (!url.username && !process.env.PGUSER) url.username = userInfo().username;

  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5000,
    // Set at connection start-up, so no query can ever run on another schema.
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);

  try {
    await pool.query('select 1');
    if (schema !== undefined) await pool.query(`create schema if not exists "${schema}"`);
  } catch (e) {
    await pool.end().catch(() => undefined);
    const password = decodeURIComponent(url.password);
    let reason = storeErrorReason(e);
    if (password) reason = reason.split(password).join('***');
    throw new ShieldwallError('STORE_UNAVAILABLE', `cannot connect to ${location}: ${reason}`, {}, { cause: e });
  }

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return new KyselyStore({
    db, dialect: 'postgres', location, clock: options.clock, ids: options.ids, eventBatchWriter: postgresEventBatchWriter(db), ...(schema ? { schema } : {}),
  });
}
