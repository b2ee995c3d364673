import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createBus, type Bus } from '../bus/index.js';
import { issueApiToken } from '../governance/index.js';
import { TLP_MARKING_IDS, type TlpLevel } from '../intel/tlp/index.js';
import { buildServer } from '../server/build-server.js';
import { ManualClock } from '../shared/clock.js';
import { sequentialIds } from '../shared/ids.js';
import { createStore, orgScope, type Role, type Store } from '../store/index.js';
import { taxiiMediaType } from './taxii-media.js';

/**
 * A node for TAXII tests: SQLite in memory, a manual clock, organisations `producer`,
 * `member` (granted read), `client` (a client of producer: its parent), `writer` (granted write)
 * and `outsider`; collection `col-1` owned by producer. Tokens by `<org>/<role>`.
 */
export interface TaxiiFixture {
  app: FastifyInstance;
  store: Store;
  clock: ManualClock;
  token(org: string, role?: Role): Promise<string>;
  /** A TAXII request with Bearer auth and the TAXII Accept header. */
  request(opts: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const t0 = 1_700_000_000_000;
export const root = '/taxii2/api';

/** `dbUrl`: where the store lives (default SQLite in memory; a `postgres://…?schema=` URL for PostgreSQL). */
export async function taxiiFixture(dbUrl = ':memory:'): Promise<TaxiiFixture> {
  const clock = new ManualClock(t0);
  const store = await createStore(dbUrl, { clock });
  await store.migrate();
  const bus: Bus = await createBus('memory:');
  for (const [id, parentId] of [['producer', null], ['member', null], ['client', 'producer'], ['writer', null], ['outsider', null]] as const) {
    await store.scoped(orgScope(id)).organisations.create({ id, name: id, parentId });
  }
  await store.scoped(orgScope('producer')).intel.collections.create({
    id: 'col-1', orgId: 'producer', title: 'Shared indicators', description: 'for the alliance', readOrgs: ['member', 'client'], writeOrgs: ['writer'],
  });
  const app = await buildServer({
    config: { http: { host: '127.0.0.1', port: 0, bodyLimit: 256 * 1024, shutdownGraceMs: 1000 } },
    store, bus, clock, ids: sequentialIds('status'),
  });
  const tokens = new Map<string, string>();
  return {
    app, store, clock,
    async token(org, role = 'analyst') {
      const key = `${org}/${role}`;
      if (!tokens.has(key)) tokens.set(key, (await issueApiToken(store.scoped(orgScope(org)), { orgId: org, role, now: clock.now() })).token);
      return tokens.get(key)!;
    },
    request({ token, headers, ...opts }) {
      return app.inject({
        ...opts,
        headers: { accept: taxiiMediaType, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      });
    },
    async close() {
      await app.close();
      await bus.close();
      await store.close();
    },
  };
}

/** A valid STIX 2.1 indicator marked `tlp`, number `n`, version `modified`. */
export function indicator(n: number, tlp: TlpLevel | null = 'green', modified = '2024-01-01T00:00:00.000Z'): Record<string, unknown> & { id: string } {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    created: '2024-01-01T00:00:00.000Z',
    modified,
    name: `indicator ${n}`,
    pattern: `[ipv4-addr:value = '198.51.100.${n % 250}']`,
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
    ...(tlp ? { object_marking_refs: [TLP_MARKING_IDS[tlp]] } : {}),
  };
}

/** POSTs an envelope to col-1 as `token`. */
export function postObjects(f: TaxiiFixture, token: string, objects: unknown[], collection = 'col-1') {
  return f.request({
    method: 'POST', url: `${root}/collections/${collection}/objects/`, token,
    headers: { 'content-type': taxiiMediaType }, payload: JSON.stringify({ objects }),
  });
}
