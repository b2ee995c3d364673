import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsBus } from '../src/bus/index.js';
import { loadConfig } from '../src/config/index.js';
import { issueApiToken } from '../src/governance/index.js';
import { buildSimpleIndicator, IntelService } from '../src/intel/index.js';
import { createLogger, startNode, type Node } from '../src/server/runtime.js';
import { orgScope, type Alert, type Store } from '../src/store/index.js';
import { systemClock } from '../src/shared/clock.js';
import { randomIds } from '../src/shared/ids.js';
import { root, spawnCli, waitForOutput } from './cli-process.js';
import { requireService } from './services.js';

/** A real Suricata alert: 82.165.177.154 (www.testmyids.com) answers `uid=0(root)` to 10.16.1.11. */
const eveLine = readFileSync(path.resolve(root, '../shared/testdata/suricata/suricata-verify/alert-testmyids/eve.json'), 'utf8').split('\n')[0]!;
const ctx = { clock: systemClock, ids: randomIds };

const natsUrl = process.env.SHIELDWALL_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const natsUp = await requireService(`NATS JetStream at ${natsUrl}`, async () => {
  const bus = await NatsBus.connect(natsUrl, { timeoutMs: 2_000 });
  await bus.close();
});

/**
 * Stores an indicator the way an unannounced writer would (a local import on another machine):
 * in the store only, so no running detection thread holds it until someone confirms it.
 */
async function storeSilently(store: Store, orgId: string, value: string): Promise<string> {
  const indicator = buildSimpleIndicator({ orgId, type: 'ipv4-addr', value, tlp: 'green', name: 'testmyids.com server' }, ctx);
  const result = await new IntelService({ store, clock: systemClock, ids: randomIds }).importObjects(orgScope(orgId), [indicator], { source: 'test' });
  expect(result.rejected).toEqual([]);
  return indicator.id;
}

async function post(address: string, token: string, url: string, body: string, type = 'application/json') {
  const res = await fetch(`${address}${url}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function intelAlerts(store: Store, orgId: string, indicatorId: string): Promise<Alert[]> {
  return (await store.scoped(orgScope(orgId)).alerts.query({ ruleId: indicatorId, limit: 1000 })).items;
}

async function waitFor<T>(what: string, fn: () => Promise<T | null>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function setUp(node: Node) {
  for (const id of ['producer', 'member']) await node.store.scoped(orgScope(id)).organisations.create({ id, name: id, parentId: null });
  const analyst = (await issueApiToken(node.store.scoped(orgScope('member')), { orgId: 'member', role: 'analyst', now: Date.now() })).token;
  const sensor = (await issueApiToken(node.store.scoped(orgScope('member')), { orgId: 'member', role: 'sensor', now: Date.now() })).token;
  return { analyst, sensor };
}

describe('early warning on one node (memory bus, detection worker threads)', () => {
  let node: Node;
  let tokens: { analyst: string; sensor: string };

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-ew-'));
    const config = loadConfig({ env: { SHIELDWALL_DATA_DIR: dir, SHIELDWALL_PORT: '0', SHIELDWALL_DETECTION_WORKERS: '2', SHIELDWALL_SIGMA_DIR: dir } });
    node = await startNode(config, { logger: createLogger('silent') });
    tokens = await setUp(node);
  });
  afterAll(async () => node?.close());

  it('an event sent after an analyst confirms an indicator the workers did not hold raises an intel alert and a sighting', async () => {
    const id = await storeSilently(node.store, 'producer', '82.165.177.154');
    // Not announced, so the workers do not hold it: an event now raises nothing.
    expect((await post(node.address, tokens.sensor, '/api/v1/events', `${eveLine}\n`, 'application/x-ndjson')).status).toBe(202);
    await waitFor('the first batch to be detected', async () => ((await node.store.scoped(orgScope('member')).events.pendingBatches()).length === 0 ? true : null));
    expect(await intelAlerts(node.store, 'member', id)).toEqual([]);

    const confirmed = await post(node.address, tokens.analyst, `/api/v1/indicators/${id}/confirm`, '{}');
    expect(confirmed).toMatchObject({ status: 200, body: { id, producer: 'producer', published: true } });
    // The claim under test: within a second of the confirmation, detection holds the indicator.
    await new Promise((r) => setTimeout(r, 1000));
    const sentAt = Date.now();
    expect((await post(node.address, tokens.sensor, '/api/v1/events', `${eveLine}\n`, 'application/x-ndjson')).status).toBe(202);
    const alerts = await waitFor('an intel alert', async () => ((await intelAlerts(node.store, 'member', id)).length > 0 ? intelAlerts(node.store, 'member', id) : null));
    console.log(`early warning (memory bus, 2 worker threads): event sent 1 s after the confirmation → intel alert stored ${Date.now() - sentAt} ms later`);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ author: 'producer', data: { kind: 'intel', matched: { value: '82.165.177.154' } } });
    const sightings = await node.store.scoped(orgScope('member')).intel.objects.list({ type: 'sighting' });
    expect(sightings.items.map((s) => JSON.parse(s.json))).toMatchObject([{ sighting_of_ref: id, count: 1 }]);
  });
});

describe.runIf(natsUp)('early warning across two processes on NATS', () => {
  let node: Node;
  let other: ChildProcess;
  let otherAddress: string;
  let tokens: { analyst: string; sensor: string };
  const namespace = `ew${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-ew-nats-'));
    const env = {
      SHIELDWALL_DATA_DIR: dir, SHIELDWALL_BUS_URL: natsUrl, SHIELDWALL_BUS_NAMESPACE: namespace, SHIELDWALL_SIGMA_DIR: dir,
      SHIELDWALL_DETECTION_WORKERS: '1', SHIELDWALL_LOG_LEVEL: 'warn',
    };
    node = await startNode(loadConfig({ env: { ...env, SHIELDWALL_PORT: '0' } }), { logger: createLogger('silent') });
    tokens = await setUp(node);
    // A second process of the node: same database file, same NATS namespace, its own detection workers.
    other = spawnCli(['start', '--port', '0'], env);
    otherAddress = (await waitForOutput(other, /listening on (http:\/\/\S+)/, 60_000))[1]!;
  });
  afterAll(async () => {
    other?.kill('SIGTERM');
    await node?.close();
    const bus = await NatsBus.connect(natsUrl, { onError: () => {} });
    for (const s of ['INGEST', 'ALERTS', 'INTEL']) await bus.deleteStream(`${namespace}_${s}`).catch(() => undefined);
    await bus.close();
  });

  it('a confirmation on one process reaches the detection workers of both: every later batch, whoever detects it, matches', async () => {
    const id = await storeSilently(node.store, 'producer', '82.165.177.154');
    const confirmed = await post(node.address, tokens.analyst, `/api/v1/indicators/${id}/confirm`, '{}');
    expect(confirmed.status).toBe(200);
    // Give the live fan-out its second; the claim under test is "within a second".
    await new Promise((r) => setTimeout(r, 1000));
    const batches = 6;
    for (let i = 0; i < batches; i++) {
      const line = eveLine.replace('"flow_id":', `"x_batch":${i},"flow_id":`);
      const target = i % 2 === 0 ? otherAddress : node.address;
      const res = await fetch(`${target}/api/v1/events`, {
        method: 'POST', headers: { authorization: `Bearer ${tokens.sensor}`, 'content-type': 'application/x-ndjson' }, body: `${line}\n`,
      });
      expect(res.status).toBe(202);
    }
    const alerts = await waitFor(`${batches} intel alerts`, async () => {
      const a = await intelAlerts(node.store, 'member', id);
      return a.length >= batches ? a : null;
    }, 30_000);
    expect(new Set(alerts.map((a) => a.eventId)).size).toBe(batches);
  });
});
