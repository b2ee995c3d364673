import { sql, type Kysely } from 'kysely';
import { ShieldwallError } from '../errors/error-catalog.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { randomIds, type IdGenerator } from '../shared/ids.js';
import { alertRepo } from './alert-repo.js';
import { auditRepo } from './audit-repo.js';
import { kyselyEventBatchWriter, type EventBatchWriter } from './event-batch-writer.js';
import { eventRepo } from './event-repo.js';
import { feedSubscriptionRepo } from './feed-subscription-repo.js';
import { intelRepos } from './intel-repos.js';
import { runMigrations } from './migrations/run-migrations.js';
import { organisationRepo } from './organisation-repo.js';
import type { RepoContext } from './repo-context.js';
import type { Database } from './schema.js';
import type { ApiToken, MigrationReport, OrgGraphNode, Scope, ScopedStore, Store } from './store.js';
import { toApiToken, tokenRepo } from './token-repo.js';

/** Audit chain that records authority-scope calls: the authority organisation's own chain. */
export const authorityAuditChain = 'authority';

/** How a KyselyStore is built by a dialect adapter. */
export interface KyselyStoreOptions {
  db: Kysely<Database>;
  dialect: Store['dialect'];
  /** Where the database is, for error messages; never contains a password. */
  location: string;
  clock?: Clock;
  ids?: IdGenerator;
  authorityChain?: string;
  /**
   * Schema holding the tables (PostgreSQL). Kysely's migrator looks for its bookkeeping tables in
   * every schema unless told which one, so without it a schema whose neighbour is already migrated
   * would skip creating them.
   */
  schema?: string;
  /** The adapter's writer of ingest batches (default: the portable Kysely writer). */
  eventBatchWriter?: EventBatchWriter;
  /** Releases what the adapter opened after Kysely is destroyed. */
  onClose?: () => Promise<void>;
}

function reasonOf(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) return e.errors.map(reasonOf).join('; ');
  if (e instanceof Error) return e.message || String((e as { code?: unknown }).code ?? e.name);
  return String(e);
}

function checkScope(scope: Scope): void {
  const blank = (v: unknown) => typeof v !== 'string' || v.trim() === '';
  if (scope?.kind === 'org' && !blank(scope.orgId)) return;
  if (scope?.kind === 'authority' && !blank(scope.actor) && !blank(scope.reason) && (scope.orgId === undefined || !blank(scope.orgId))) return;
  throw new ShieldwallError(
    'SCOPE_REQUIRED',
    'store scope: expected {kind:"org", orgId} or {kind:"authority", actor, reason, orgId?} with non-empty values',
  );
}

/**
 * The store on any Kysely database: one query code path for SQLite and PostgreSQL. Each
 * `scoped()` call builds repositories that filter on the scope's organisation.
 */
export class KyselyStore implements Store {
  readonly dialect: Store['dialect'];
  /** The underlying database; for the adapters and the conformance suite's tamper test only. */
  readonly db: Kysely<Database>;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly authorityChain: string;
  private readonly eventBatchWriter: EventBatchWriter;
  private closed = false;

  constructor(private readonly options: KyselyStoreOptions) {
    this.db = options.db;
    this.dialect = options.dialect;
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomIds;
    this.authorityChain = options.authorityChain ?? authorityAuditChain;
    this.eventBatchWriter = options.eventBatchWriter ?? kyselyEventBatchWriter(this.db);
  }

  readonly auth = {
    findToken: async (id: string): Promise<ApiToken | null> => {
      const row = await this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toApiToken(row) : null;
    },
    isEmpty: async (): Promise<boolean> => {
      const row = await this.db.selectFrom('organisations').select('id').limit(1).executeTakeFirst();
      return row === undefined;
    },
  };

  /** Unaudited on purpose (see `Store.orgGraph`): selects ids and parents only, never names. */
  async orgGraph(): Promise<OrgGraphNode[]> {
    const rows = await this.db.selectFrom('organisations').select(['id', 'parent_id']).orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, parentId: r.parent_id }));
  }

  migrate(): Promise<MigrationReport> {
    return runMigrations(this.db as Kysely<unknown>, this.options.schema);
  }

  async ping(): Promise<void> {
    try {
      await sql`select 1`.execute(this.db);
    } catch (e) {
      throw new ShieldwallError('STORE_UNAVAILABLE', `${this.options.location} does not answer: ${reasonOf(e)}`, {}, { cause: e });
    }
  }

  scoped(scope: Scope): ScopedStore {
    checkScope(scope);
    const ctx: RepoContext = {
      db: this.db, scope, clock: this.clock, ids: this.ids, authorityChain: this.authorityChain, eventBatchWriter: this.eventBatchWriter,
    };
    return {
      scope,
      organisations: organisationRepo(ctx),
      tokens: tokenRepo(ctx),
      events: eventRepo(ctx),
      alerts: alertRepo(ctx),
      audit: auditRepo(ctx),
      intel: intelRepos(ctx),
      feeds: feedSubscriptionRepo(ctx),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
    await this.options.onClose?.();
  }
}

export { reasonOf as storeErrorReason };
