import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './0001-initial.js';

/**
 * Every migration, listed explicitly in order (no directory scan: the bundle and the tests see the
 * same list). Names sort in application order; never rename or edit one that has shipped.
 */
export const storeMigrations: Readonly<Record<string, Migration>> = {
  '0001_initial': initialMigration,
};

/** Kysely provider over the static list. */
export const storeMigrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...storeMigrations }),
};
