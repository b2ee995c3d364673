import { expect } from 'vitest';
import { ShieldwallError, type ErrorCode } from '../../errors/error-catalog.js';
import type { ManualClock } from '../../shared/clock.js';
import { KyselyStore } from '../kysely-store.js';
import type { Alert, Scope, ScopedStore, Store, StoredEvent } from '../store.js';

/** Shared state of one conformance test: the fresh, migrated store and the clock it was given. */
export interface ConformanceContext {
  readonly store: Store;
  readonly clock: ManualClock;
}

export const authority: Scope = { kind: 'authority', actor: 'auditor-1', reason: 'conformance check' };

/** A scope's repositories. */
export function as(ctx: ConformanceContext, scope: Scope | string): ScopedStore {
  return ctx.store.scoped(typeof scope === 'string' ? { kind: 'org', orgId: scope } : scope);
}

/** Creates organisations through their own scopes. */
export async function createOrgs(ctx: ConformanceContext, ...ids: string[]): Promise<void> {
  for (const id of ids) await as(ctx, id).organisations.create({ name: `Organisation ${id}` });
}

export function event(orgId: string, id: string, time: number, extra: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id, orgId, time, receivedAt: time + 5, source: 'http', product: 'windows', category: 'process_creation', service: null,
    message: `event ${id} of ${orgId}`, data: { id, org: orgId }, ...extra,
  };
}

export function alert(orgId: string, id: string, ruleId: string, eventId: string | null, time = 1000, extra: Partial<Alert> = {}): Alert {
  return {
    id, orgId, createdAt: time + 1, time, ruleId, ruleTitle: `Rule ${ruleId}`, level: 'high', author: 'Florian Roth',
    eventId, data: { rule: ruleId }, ...extra,
  };
}

/** Awaits `p` and checks it rejects with a ShieldwallError of `code`. */
export async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<ShieldwallError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(ShieldwallError);
  expect((err as ShieldwallError).code).toBe(code);
  return err as ShieldwallError;
}

/** Raw access to the database, bypassing every scope: the tamper test's hook. */
export function rawDb(store: Store): KyselyStore['db'] {
  if (!(store instanceof KyselyStore)) throw new Error('conformance: the tamper test needs a KyselyStore');
  return store.db;
}
