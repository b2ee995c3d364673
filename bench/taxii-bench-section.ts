/**
 * TAXII serving figures for `npm run bench:intel`: a collection of `objects` (default 100,000)
 * TLP:GREEN indicators on the embedded store (SQLite file in a temp dir), served by the real
 * Fastify server on a loopback port to a member of another organisation (so every object goes
 * through the TLP release policy), over real HTTP with fetch:
 * - taxii_objects_per_sec: the whole collection read in pages of 1,000 (`limit=1000` and `next`);
 * - taxii_nochange_poll_ms: the median of 20 incremental polls (`added_after` = the last
 *   X-TAXII-Date-Added-Last) when nothing newer exists.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBus } from '../src/bus/index.js';
import { issueApiToken } from '../src/governance/index.js';
import { TLP_MARKING_IDS } from '../src/intel/tlp/index.js';
import { buildServer } from '../src/server/build-server.js';
import { createStore, orgScope, stixObjectRecord } from '../src/store/index.js';

const taxii = 'application/taxii+json;version=2.1';

function indicator(n: number): Record<string, unknown> {
  const hex = n.toString(16).padStart(12, '0');
  return {
    type: 'indicator', spec_version: '2.1', id: `indicator--6f1d2c3b-0000-4000-8000-${hex}`,
    created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', name: `bench indicator ${n}`,
    pattern: `[ipv4-addr:value = '10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}']`, pattern_type: 'stix',
    valid_from: '2026-01-01T00:00:00Z', object_marking_refs: [TLP_MARKING_IDS.green],
  };
}

/** Runs the section and returns its two figures (plus the load time, for the log). */
export async function taxiiBenchSection(opts: { objects?: number; log?: (s: string) => void } = {}): Promise<{ taxii_objects_per_sec: number; taxii_nochange_poll_ms: number }> {
  const total = opts.objects ?? 100_000;
  const log = opts.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'sw-taxii-bench-'));
  const store = await createStore(`sqlite:${join(dir, 'bench.db')}`);
  const bus = await createBus('memory:');
  try {
    await store.migrate();
    for (const id of ['producer', 'reader']) await store.scoped(orgScope(id)).organisations.create({ id, name: id, parentId: null });
    const producer = store.scoped(orgScope('producer'));
    const collection = await producer.intel.collections.create({ orgId: 'producer', title: 'bench', readOrgs: ['reader'] });
    const loadStart = performance.now();
    for (let i = 0; i < total; i += 5000) {
      const records = [];
      for (let n = i; n < Math.min(total, i + 5000); n++) records.push(stixObjectRecord(indicator(n), 'producer', 'green'));
      await producer.intel.collections.addObjects(collection.id, records);
    }
    log(`taxii: loaded ${total.toLocaleString('en-US')} objects into one collection in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

    const { token } = await issueApiToken(store.scoped(orgScope('reader')), { orgId: 'reader', role: 'viewer', now: Date.now() });
    const app = await buildServer({ config: { http: { host: '127.0.0.1', port: 0, bodyLimit: 10 * 1024 * 1024, shutdownGraceMs: 1000 } }, store, bus });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const headers = { authorization: `Bearer ${token}`, accept: taxii };
      const url = `${address}/taxii2/api/collections/${collection.id}/objects/`;
      await (await fetch(`${url}?limit=1`, { headers })).arrayBuffer(); // token verification (scrypt) outside the timing

      let served = 0;
      let next: string | undefined;
      let last = '';
      const start = performance.now();
      do {
        const res = await fetch(`${url}?limit=1000${next ? `&next=${next}` : ''}`, { headers });
        if (res.status !== 200) throw new Error(`taxii bench: GET objects answered ${res.status}: ${await res.text()}`);
        const page = (await res.json()) as { more?: boolean; next?: string; objects?: unknown[] };
        served += page.objects?.length ?? 0;
        last = res.headers.get('x-taxii-date-added-last') ?? last;
        next = page.more ? page.next : undefined;
      } while (next);
      const seconds = (performance.now() - start) / 1000;
      if (served !== total) throw new Error(`taxii bench: served ${served} objects of ${total}`);
      const perSec = Math.round(served / seconds);
      log(`taxii: served ${served.toLocaleString('en-US')} objects in pages of 1,000 in ${seconds.toFixed(2)} s: ${perSec.toLocaleString('en-US')} objects/s`);

      const polls: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        const res = await fetch(`${url}?added_after=${last}`, { headers });
        const body = await res.text();
        polls.push(performance.now() - t);
        if (res.status !== 200 || body !== '{}') throw new Error(`taxii bench: no-change poll answered ${res.status} ${body.slice(0, 100)}`);
      }
      polls.sort((a, b) => a - b);
      const median = Number(polls[polls.length >> 1]!.toFixed(2));
      log(`taxii: no-change poll (added_after=${last}) on ${total.toLocaleString('en-US')} objects: median ${median} ms, max ${polls.at(-1)!.toFixed(2)} ms over 20`);
      return { taxii_objects_per_sec: perSec, taxii_nochange_poll_ms: median };
    } finally {
      await app.close();
    }
  } finally {
    await bus.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
