import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { createStore, orgScope, type Store } from '../../store/index.js';
import { IntelService } from '../intel-service.js';
import { FeedPoller, type FeedPollReport } from './feed-poller.js';
import { FeedPollingService, type PollTimer } from './feed-polling-service.js';
import { mispFeedSource } from './misp-feed-source.js';
import { manualPollTimer } from './poll-timer-test-kit.js';

const feedExample = fileURLToPath(new URL('../../../../shared/testdata/misp/feed-example/', import.meta.url));
const t0 = Date.UTC(2026, 10, 26, 1, 0, 0);

function uuids(): IdGenerator {
  let n = 0;
  return { next: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
}

let store: Store;
let clock: ManualClock;
let dir: string;
let poller: FeedPoller;

beforeEach(async () => {
  clock = new ManualClock(t0);
  store = await createStore(':memory:', { clock });
  await store.migrate();
  await store.scoped(orgScope('cert-a')).organisations.create({ id: 'cert-a', name: 'CERT A' });
  dir = mkdtempSync(join(tmpdir(), 'misp-feed-'));
  cpSync(feedExample, dir, { recursive: true });
  const intel = new IntelService({ store, clock, ids: uuids() });
  poller = new FeedPoller({ store, importer: intel, clock, ids: uuids() });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const subscribe = (interval = 600) =>
  store.scoped(orgScope('cert-a')).feeds.create({ id: 'misp-1', orgId: 'cert-a', kind: 'misp-feed', url: dir, intervalS: interval });

describe('FeedPoller on a MISP feed directory', () => {
  it('imports every event of the feed, then only the events whose timestamp changed', async () => {
    const sub = await subscribe();
    const first = await poller.poll(sub);
    expect(first).toMatchObject({ subscription: 'misp-1', org: 'cert-a', events: 11, error: null });
    expect(first.rejected).toBe(0);
    expect(first.accepted).toBe(first.objects);
    expect(first.objects).toBeGreaterThan(500);
    expect(first.unsupported).toMatchObject({ text: expect.any(Number) });
    const stored = await store.scoped(orgScope('cert-a')).intel.objects.get('report--57c4445b-c548-4654-af0b-4be3950d210f');
    expect(stored).not.toBeNull();
    console.log(`MISP feed-example: 11/11 events, ${first.objects} objects imported, ${first.rejected} rejected`);

    const again = await poller.poll((await store.scoped(orgScope('cert-a')).feeds.get('misp-1'))!);
    expect(again).toMatchObject({ events: 0, objects: 0, error: null });

    // The publisher edits one event: only it is fetched again.
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, { timestamp: number }>;
    manifest['57c4445b-c548-4654-af0b-4be3950d210f']!.timestamp += 60;
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const third = await poller.poll((await store.scoped(orgScope('cert-a')).feeds.get('misp-1'))!);
    expect(third).toMatchObject({ events: 1, rejected: 0, error: null });
    const saved = await store.scoped(orgScope('cert-a')).feeds.get('misp-1');
    expect(JSON.parse(saved!.cursor!)['57c4445b-c548-4654-af0b-4be3950d210f']).toBe(manifest['57c4445b-c548-4654-af0b-4be3950d210f']!.timestamp);
  });

  it('keeps going when one event file is missing, and records the error without advancing past it', async () => {
    rmSync(join(dir, '5a0a9aa9-23a4-4607-b6df-41a9950d210f.json'));
    const report = await poller.poll(await subscribe());
    expect(report.events).toBe(10);
    expect(report.error).toMatch(/1 of 11 events failed: .*5a0a9aa9/);
    const saved = await store.scoped(orgScope('cert-a')).feeds.get('misp-1');
    expect(saved).toMatchObject({ lastError: report.error, lastPolledAt: t0 });
    expect(Object.keys(JSON.parse(saved!.cursor!))).toHaveLength(10);
  });

  it('reports an unreadable feed as the poll error', async () => {
    rmSync(join(dir, 'manifest.json'));
    const report = await poller.poll(await subscribe());
    expect(report).toMatchObject({ objects: 0, cursor: null });
    expect(report.error).toMatch(/manifest\.json/);
  });
});

describe('FeedPollingService', () => {
  it('polls due subscriptions on its ticks and stops cleanly', async () => {
    await subscribe(600);
    const { timer, pending } = manualPollTimer();
    const reports: string[] = [];
    const service = new FeedPollingService({ poller, store, clock, timer, tickMs: 10_000, onReport: (r) => reports.push(`${r.subscription}:${r.events}`) });

    expect(await service.tick()).toHaveLength(1);
    clock.advance(599_000);
    expect(await service.tick()).toHaveLength(0);
    clock.advance(1_000);
    expect(await service.tick()).toHaveLength(1);
    expect(reports).toEqual(['misp-1:11', 'misp-1:0']);

    service.start();
    expect(pending.map((p) => p.ms)).toEqual([0]);
    pending.shift()!.fn();
    await service.stop();
    expect(pending).toEqual([]);
  });
});

describe('FeedPollingService stop', () => {
  it('ends the poll in progress after the current event and resumes from its cursor', async () => {
    await subscribe(600);
    const box: { service?: FeedPollingService } = {};
    let reads = 0;
    let stopping: Promise<void> | undefined;
    const slowPoller = new FeedPoller({
      store, importer: new IntelService({ store, clock, ids: uuids() }), clock, ids: uuids(),
      mispSource: (sub) => {
        const real = mispFeedSource(sub.url);
        return {
          location: real.location,
          manifest: () => real.manifest(),
          event: async (uuid) => {
            if (++reads === 3) stopping = box.service!.stop();
            return real.event(uuid);
          },
        };
      },
    });
    const timer: PollTimer = { set: (_ms, fn) => (fn(), 1), clear: () => undefined };
    const reports: FeedPollReport[] = [];
    const service = new FeedPollingService({ poller: slowPoller, store, clock, timer, onReport: (r) => reports.push(r) });
    box.service = service;
    service.start();
    await new Promise((r) => setTimeout(r, 0));
    for (let i = 0; i < 200 && stopping === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    await stopping;
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ events: 3, error: 'feed polling stopped' });
    const saved = await store.scoped(orgScope('cert-a')).feeds.get('misp-1');
    expect(saved).toMatchObject({ lastPolledAt: null });
    expect(Object.keys(JSON.parse(saved!.cursor!))).toHaveLength(3);
    const resumed = await poller.poll(saved!);
    expect(resumed).toMatchObject({ events: 8, error: null });
  });
});

describe('MISP feed over HTTP', () => {
  it('reads the manifest and event files from a URL, sending the API key', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      const name = (req.url ?? '').replace(/^\/feed\//, '');
      if (!/^[0-9a-f-]+\.json$|^manifest\.json$/.test(name)) return void res.writeHead(404).end('not found');
      try {
        const body = readFileSync(join(dir, name));
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      } catch {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const sub = await store.scoped(orgScope('cert-a')).feeds.create({
        id: 'misp-http', orgId: 'cert-a', kind: 'misp-feed', url: `http://127.0.0.1:${port}/feed`, auth: { kind: 'bearer', token: 'misp-api-key' }, intervalS: 60,
      });
      const report = await poller.poll(sub);
      expect(report).toMatchObject({ events: 11, rejected: 0, error: null });
      expect(new Set(seen)).toEqual(new Set(['misp-api-key']));
      const missing = await store.scoped(orgScope('cert-a')).feeds.create({
        id: 'misp-404', orgId: 'cert-a', kind: 'misp-feed', url: `http://127.0.0.1:${port}/nothing-here`, intervalS: 60,
      });
      expect((await poller.poll(missing)).error).toMatch(/manifest\.json: HTTP 404/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
