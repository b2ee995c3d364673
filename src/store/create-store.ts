import { ShieldwallError } from '../errors/error-catalog.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { createPostgresStore } from './postgres/postgres-store.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';
import type { WalCheckpointerOptions } from './sqlite/wal-checkpointer.js';

/** Injected environment for the store (defaults: wall clock, random UUIDs). */
export interface CreateStoreOptions {
  clock?: Clock;
  ids?: IdGenerator;
  /** SQLite in a file: checkpoint the WAL on a thread of its own (a long-running server). Ignored by PostgreSQL. */
  backgroundCheckpoints?: WalCheckpointerOptions;
}

/**
 * Opens the store named by a database URL:
 * `sqlite:<path>`, a plain file path or `:memory:` for SQLite; `postgres://` or `postgresql://`
 * for PostgreSQL, where `?schema=NAME` selects (and creates) a schema.
 *
 * @example
 * const store = await createStore('sqlite:./data/shieldwall.db');
 * await store.migrate();
 */
export async function createStore(url: string, options: CreateStoreOptions = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    let schema: string | undefined;
    try {
      schema = new URL(url).searchParams.get('schema') ?? undefined;
    } catch {
      throw new ShieldwallError('CONFIG_INVALID', 'database URL: not a valid postgres:// URL', { where: 'db.url' });
    }
    const { backgroundCheckpoints: _sqliteOnly, ...pgOptions } = options;
    return createPostgresStore({ url, schema, ...pgOptions });
  }
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (path === url && /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    const scheme = url.slice(0, url.indexOf(':'));
    throw new ShieldwallError('CONFIG_INVALID', `database URL: unsupported scheme ${scheme}: (expected sqlite: or postgres://)`, { where: 'db.url' });
  }
  if (path === '') throw new ShieldwallError('CONFIG_INVALID', 'database URL: sqlite: needs a file path or :memory:', { where: 'db.url' });
  return createSqliteStore({ path, ...options });
}
