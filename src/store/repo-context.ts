import type { Kysely } from 'kysely';
import { ShieldwallError } from '../errors/error-catalog.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { appendAuditEntry } from './audit-chain.js';
import type { EventBatchWriter } from './event-batch-writer.js';
import type { Database } from './schema.js';
import type { Scope } from './store.js';

/** Everything a repository needs: the database, its one scope and the injected environment. */
export interface RepoContext {
  readonly db: Kysely<Database>;
  readonly scope: Scope;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Audit chain (organisation id) that receives the entries of authority-scope calls. */
  readonly authorityChain: string;
  /** Writes ingest batches: the adapter's fast path, or the portable Kysely one. */
  readonly eventBatchWriter: EventBatchWriter;
}

/** The organisation a scope is confined to, or null for an authority scope over all organisations. */
export function scopeOrgId(scope: Scope): string | null {
  return scope.orgId ?? null;
}

/**
 * Checks that a record may be written in this scope: an organisation writes only its own records;
 * the authority may write any organisation's, but each record must name it.
 */
export function assertWritable(scope: Scope, orgId: unknown, what: string): asserts orgId is string {
  if (typeof orgId !== 'string' || orgId === '') {
    throw new ShieldwallError('VALIDATION_FAILED', `${what}: orgId must be a non-empty string`, { where: `${what}.orgId` });
  }
  const confined = scopeOrgId(scope);
  if (confined !== null && orgId !== confined) {
    throw new ShieldwallError('FORBIDDEN', `${what}: belongs to organisation ${orgId}, not to the scope's organisation ${confined}`, {
      where: `${what}.orgId`,
    });
  }
}

/**
 * Records an authority-scope call (`authority.<verb>.<records>`) with its actor and reason; a no-op
 * in an organisation scope. Callers await it before returning data, so a failed audit fails the call.
 */
export async function auditAuthority(
  ctx: RepoContext,
  action: string,
  target: string | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  if (ctx.scope.kind !== 'authority') return;
  await appendAuditEntry(ctx.db, ctx.authorityChain, {
    actor: ctx.scope.actor,
    action: `authority.${action}`,
    target,
    details: { reason: ctx.scope.reason, ...(ctx.scope.orgId !== undefined ? { scopeOrgId: ctx.scope.orgId } : {}), ...details },
    at: ctx.clock.now(),
  });
}

/** Distinct organisation ids of some records, for authority audit details. */
export function orgIdsOf(records: readonly { orgId: string }[]): string[] {
  return [...new Set(records.map((r) => r.orgId))].sort();
}
