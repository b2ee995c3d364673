import { mkdirSync } from 'node:fs';
import type { Config } from '../config/index.js';
import { createStore, type Store } from '../store/index.js';
import { oneLineErrors } from './node-options.js';

/**
 * Opens the node's store (migrated) for an administrative command run on the node's machine.
 * Whoever can run this can read the database file anyway, so it acts with an audited authority scope.
 */
export async function withLocalStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  return oneLineErrors(async () => {
    if (config.db.url.startsWith('sqlite:')) mkdirSync(config.dataDir, { recursive: true });
    const store = await createStore(config.db.url);
    try {
      await store.migrate();
      return await fn(store);
    } finally {
      await store.close();
    }
  });
}

/** The audited scope of local administrative commands. */
export function cliAuthority(reason: string) {
  return { kind: 'authority' as const, actor: `cli:${process.env.USER ?? 'local'}`, reason };
}
