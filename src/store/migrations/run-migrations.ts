import { Migrator, type Kysely } from 'kysely';
import { ShieldwallError } from '../../errors/error-catalog.js';
import type { MigrationReport } from '../store.js';
import { storeMigrationProvider, storeMigrations } from './store-migrations.js';

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Applies pending migrations; a failure names the migration that failed. */
export async function runMigrations(db: Kysely<unknown>, schema?: string): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: storeMigrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  let outcome;
  try {
    outcome = await migrator.migrateToLatest();
  } catch (e) {
    throw new ShieldwallError('STORE_MIGRATION_FAILED', `migration (bookkeeping) failed: ${reasonOf(e)}`, {}, { cause: e });
  }
  const results = outcome.results ?? [];
  if (outcome.error !== undefined) {
    const name = results.find((r) => r.status === 'Error')?.migrationName ?? '(bookkeeping)';
    throw new ShieldwallError('STORE_MIGRATION_FAILED', `migration ${name} failed: ${reasonOf(outcome.error)}`, { migration: name }, {
      cause: outcome.error,
    });
  }
  const names = Object.keys(storeMigrations).sort();
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName), current: names.at(-1) ?? null };
}
