import { createServer, type AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { issueApiToken } from '../../governance/index.js';
import { loadRulePaths } from '../../hunt/index.js';
import { createLogger, startNode, type Node } from '../../server/runtime.js';
import { orgScope } from '../../store/index.js';
import { IngestClient, batchKey, retryAfterMs } from './ingest-client.js';

const testdata = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/testdata');
const sample = path.join(testdata, 'security-datasets/datasets/atomic/windows/execution/host/psh_powershell_httplistener.ndjson.gz');
const haveData = existsSync(sample);
if (!haveData) console.warn(`skipping IngestClient server tests: ${sample} is absent`);

/** A one-rule tree, so the node starts in milliseconds; detection still runs for real. */
const RULE = `title: Sysmon process access
id: 0b7f4c2e-8d0a-4a4c-9a57-2f4a3f0e5b11
status: test
author: Shieldwall tests
logsource: { product: windows, service: sysmon }
detection:
  selection: { EventID: 10 }
  condition: selection
level: low
`;

describe('batchKey', () => {
  it('is stable for the same file, index and content and differs when any of them changes', () => {
    const k = batchKey('a.ndjson', 0, '{"x":1}');
    expect(k).toBe(batchKey('a.ndjson', 0, '{"x":1}'));
    expect(k).toMatch(/^sw1-[0-9a-f]{36}$/);
    expect(new Set([k, batchKey('b.ndjson', 0, '{"x":1}'), batchKey('a.ndjson', 1, '{"x":1}'), batchKey('a.ndjson', 0, '{"x":2}')]).size).toBe(4);
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates and ignores garbage', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

/** A node with one rule; detection can be held back (stopped) to build a backlog on purpose. */
async function startTestNode(maxInFlight: number): Promise<{ node: Node; token: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-client-'));
  writeFileSync(path.join(dir, 'rule.yml'), RULE);
  const loaded = await loadRulePaths([path.join(dir, 'rule.yml')]);
  const config = loadConfig({ env: { SHIELDWALL_DATA_DIR: dir, SHIELDWALL_PORT: '0', SHIELDWALL_INGEST_MAX_IN_FLIGHT: String(maxInFlight) } });
  const node = await startNode(config, { logger: createLogger('silent'), content: { ruleSet: loaded.ruleSet, correlations: loaded.correlations } });
  await node.store.scoped(orgScope('member-1')).organisations.create({ id: 'member-1', name: 'Member 1', parentId: null });
  const token = (await issueApiToken(node.store.scoped(orgScope('member-1')), { orgId: 'member-1', role: 'sensor', now: Date.now() })).token;
  return { node, token };
}

async function storedCount(node: Node): Promise<number> {
  const events = node.store.scoped(orgScope('member-1')).events;
  let n = 0;
  let cursor: string | null = null;
  do {
    const page = await events.query({ limit: 1000, cursor });
    n += page.items.length;
    cursor = page.next;
  } while (cursor);
  return n;
}

async function drained(node: Node): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (node.pipeline.detection.inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

const lines = haveData ? gunzipSync(readFileSync(sample)).toString('utf8').split('\n').filter((l) => l.trim()) : [];
const keyOf = (batch: string[], i: number) => batchKey('sample', i, batch.join('\n'));

describe.runIf(haveData)('IngestClient against a running node', () => {
  let node: Node;
  let token: string;
  beforeAll(async () => ({ node, token } = await startTestNode(200_000)));
  afterAll(async () => node?.close());

  it('sends real events as gzip NDJSON and reports malformed lines by index and code', async () => {
    const before = await storedCount(node);
    const client = new IngestClient({ url: node.address, token });
    const batch = [...lines.slice(0, 10), '{"broken": ', ...lines.slice(10, 20)];
    const out = await client.send(batch, keyOf(batch, 0));
    expect(out).toMatchObject({ ok: true, accepted: 20, attempts: 1 });
    expect(out.ok && out.rejected.map((r) => [r.index, r.code])).toEqual([[10, 'JSON_INVALID']]);
    expect((await storedCount(node)) - before).toBe(20);
  });

  it('stores a batch once when the answer is lost and the batch is sent again', async () => {
    const before = await storedCount(node);
    let calls = 0;
    // The request reaches the node and is stored, but the sender never sees the answer.
    const lossy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (++calls === 1) {
        await res.text();
        throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      }
      return res;
    };
    const waits: number[] = [];
    const retried: string[] = [];
    const client = new IngestClient({ url: node.address, token, fetch: lossy, sleep: async (ms) => void waits.push(ms), onRetry: (f) => void retried.push(f.code) });
    const batch = lines.slice(20, 60);
    const out = await client.send(batch, keyOf(batch, 1));
    expect(out).toMatchObject({ ok: true, accepted: 40, attempts: 2 });
    expect(calls).toBe(2);
    expect(waits).toEqual([250]);
    expect(client.retries).toBe(1);
    expect(retried).toEqual(['ECONNRESET']);
    expect((await storedCount(node)) - before).toBe(40);
  });

  it('does not retry a refusal that cannot change (bad token)', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => (calls++, fetch(input, init));
    const client = new IngestClient({ url: node.address, token: 'nope', fetch: counting, sleep: async () => undefined });
    expect(await client.send(lines.slice(0, 1), 'k')).toMatchObject({ ok: false, status: 401, code: 'UNAUTHENTICATED', attempts: 1 });
    expect(calls).toBe(1);
  });

  it('reports a refused connection as a final failure after bounded retries', async () => {
    const client = new IngestClient({ url: `http://127.0.0.1:${await closedPort()}`, maxAttempts: 2, sleep: async () => undefined });
    expect(await client.send(['{}'], 'k')).toMatchObject({ ok: false, status: null, code: 'ECONNREFUSED', message: expect.stringContaining('ECONNREFUSED'), attempts: 2 });
    expect(client.retries).toBe(1);
  });
});

describe.runIf(haveData)('IngestClient under backpressure (429)', () => {
  // maxInFlight 1 and detection held back: the first batch fills the backlog, the next gets a real 429.
  let node: Node;
  let token: string;
  beforeEach(async () => {
    ({ node, token } = await startTestNode(1));
    await node.pipeline.detection.stop();
  });
  afterEach(async () => node?.close());

  it('waits as long as Retry-After says and succeeds once the backlog drains', async () => {
    const waits: number[] = [];
    const client = new IngestClient({
      url: node.address,
      token,
      // Detection resumes while the client waits, as it would on a loaded node.
      sleep: async (ms) => {
        waits.push(ms);
        await node.pipeline.detection.start();
        await drained(node);
      },
    });
    const first = lines.slice(60, 70);
    expect(await client.send(first, keyOf(first, 2))).toMatchObject({ ok: true, accepted: 10, attempts: 1 });
    const second = lines.slice(70, 80);
    expect(await client.send(second, keyOf(second, 3))).toMatchObject({ ok: true, accepted: 10, attempts: 2 });
    expect(waits).toEqual([1000]);
    expect(await storedCount(node)).toBe(20);
  });

  it('gives up after maxAttempts while the node stays overloaded, with the node error code', async () => {
    const client = new IngestClient({ url: node.address, token, maxAttempts: 3, maxDelayMs: 500, sleep: async () => undefined });
    const first = lines.slice(80, 85);
    expect(await client.send(first, keyOf(first, 4))).toMatchObject({ ok: true, accepted: 5 });
    const second = lines.slice(85, 90);
    expect(await client.send(second, keyOf(second, 5))).toMatchObject({ ok: false, status: 429, code: 'RATE_LIMITED', attempts: 3 });
    expect(client.retries).toBe(2);
    expect(await storedCount(node)).toBe(5);
  });
});
