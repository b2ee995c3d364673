import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ShieldwallError } from '../errors/error-catalog.js';
import { ManualClock, type Clock } from '../shared/clock.js';
import { sequentialIds, type IdGenerator } from '../shared/ids.js';
import { alertCases } from './conformance/alert-cases.js';
import { auditCases } from './conformance/audit-cases.js';
import { batchCases } from './conformance/batch-cases.js';
import { eventCases } from './conformance/event-cases.js';
import { feedCases } from './conformance/feed-cases.js';
import { intelObjectCases } from './conformance/intel-object-cases.js';
import type { ConformanceContext } from './conformance/fixtures.js';
import { organisationCases } from './conformance/organisation-cases.js';
import { taxiiCases } from './conformance/taxii-cases.js';
import { tenancyCases } from './conformance/tenancy-cases.js';
import { tokenCases } from './conformance/token-cases.js';
import { storeMigrations } from './migrations/store-migrations.js';
import type { MigrationReport, Store } from './store.js';

/** What a conformance factory receives: the clock and id generator the store must use. */
export interface StoreTestEnv {
  clock: Clock;
  ids: IdGenerator;
}

/**
 * Declares the one behavioural suite of the store port. Every implementation runs it unchanged
 * (Kysely runs each test over all dialects the same way). Each test gets a fresh store from
 * `factory`, migrated once, and closed afterwards.
 *
 * @example
 * storeConformance('sqlite', (env) => createSqliteStore({ path: ':memory:', ...env }));
 */
export function storeConformance(name: string, factory: (env: StoreTestEnv) => Promise<Store>): void {
  describe(`store conformance: ${name}`, () => {
    const clock = new ManualClock(1_700_000_000_000);
    let store: Store | undefined;
    let firstMigration: MigrationReport | undefined;
    const ctx: ConformanceContext = {
      clock,
      get store() {
        if (!store) throw new Error('conformance: store not created');
        return store;
      },
    };

    beforeEach(async () => {
      clock.set(1_700_000_000_000);
      store = await factory({ clock, ids: sequentialIds('gen') });
      firstMigration = await store.migrate();
    });

    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    describe('migrations and health', () => {
      it('applies every migration once and nothing on a second run', async () => {
        const all = Object.keys(storeMigrations).sort();
        expect(firstMigration).toEqual({ applied: all, current: all.at(-1) });
        expect(await ctx.store.migrate()).toEqual({ applied: [], current: all.at(-1) });
        expect(await ctx.store.auth.isEmpty()).toBe(true);
      });

      it('answers ping and reports emptiness until the first organisation exists', async () => {
        await expect(ctx.store.ping()).resolves.toBeUndefined();
        expect(await ctx.store.auth.isEmpty()).toBe(true);
        await ctx.store.scoped({ kind: 'org', orgId: 'org-a' }).organisations.create({ name: 'A' });
        expect(await ctx.store.auth.isEmpty()).toBe(false);
      });

      it('refuses a scope without an organisation, or an authority scope without actor and reason', () => {
        const bad = [
          { kind: 'org', orgId: '' },
          { kind: 'authority', actor: 'x', reason: ' ' },
          { kind: 'authority', actor: '', reason: 'r' },
          { kind: 'authority', actor: 'x', reason: 'r', orgId: '' },
          { kind: 'other' },
        ];
        for (const scope of bad) {
          let caught: unknown;
          try {
            ctx.store.scoped(scope as never);
          } catch (e) {
            caught = e;
          }
          expect(caught).toBeInstanceOf(ShieldwallError);
          expect((caught as ShieldwallError).code).toBe('SCOPE_REQUIRED');
        }
      });
    });

    organisationCases(ctx);
    tokenCases(ctx);
    eventCases(ctx);
    batchCases(ctx);
    alertCases(ctx);
    auditCases(ctx);
    tenancyCases(ctx);
    intelObjectCases(ctx);
    taxiiCases(ctx);
    feedCases(ctx);
  });
}
