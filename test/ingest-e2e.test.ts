import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus } from '../src/bus/index.js';
import { loadConfig } from '../src/config/index.js';
import { loadRulePaths } from '../src/hunt/rule-loader.js';
import { readEvents } from '../src/hunt/read-events.js';
import { issueApiToken } from '../src/governance/index.js';
import { createLogger, startNode, type Node } from '../src/server/runtime.js';
import { Detector, normalizeEvent } from '../src/sigma/index.js';
import { createStore, orgScope } from '../src/store/index.js';
import { requireService } from './services.js';
import { root } from './cli-process.js';

const testdata = path.resolve(root, '../shared/testdata');
const haveData = existsSync(path.join(testdata, 'sigma-regression/index.json'));
if (!haveData) console.warn(`skipping ingest end-to-end tests: ${testdata} is absent`);

interface RegressionEntry { rule_id: string; rule_path: string; json_path: string | null }

/** The regression events (evtx_dump layout) with the rule each folder expects. */
async function regressionEvents(): Promise<{ events: Record<string, unknown>[]; expected: Map<number, string> }> {
  const index = JSON.parse(readFileSync(path.join(testdata, 'sigma-regression/index.json'), 'utf8')) as RegressionEntry[];
  const events: Record<string, unknown>[] = [];
  const expected = new Map<number, string>();
  for (const entry of index) {
    if (!entry.json_path) continue;
    for await (const r of readEvents(path.join(testdata, 'sigma-regression', entry.json_path))) {
      expected.set(events.length, entry.rule_id);
      events.push(r.raw);
    }
  }
  return { events, expected };
}

const pgUrl = 'postgres://127.0.0.1:5432/test';
const natsUrl = 'nats://127.0.0.1:4222';
const scaleOut = haveData
  ? (await requireService('PostgreSQL at 127.0.0.1:5432', async () => (await createStore(pgUrl)).close())) &&
    (await requireService('NATS at 127.0.0.1:4222', async () => (await createBus(natsUrl)).close()))
  : false;

const backends = [
  { name: 'SQLite + in-process bus', run: haveData, env: () => ({}) },
  {
    name: 'PostgreSQL + NATS JetStream',
    run: scaleOut,
    env: () => {
      const suffix = randomBytes(4).toString('hex');
      return { SHIELDWALL_DB_URL: `${pgUrl}?schema=sw_e2e_${suffix}`, SHIELDWALL_BUS_URL: natsUrl, SHIELDWALL_BUS_NAMESPACE: `e2e_${suffix}` };
    },
  },
];

const content = haveData ? await loadRulePaths([path.join(root, 'content/sigma')]) : undefined;

for (const backend of backends) {
  describe.runIf(backend.run)(`live ingestion end to end on ${backend.name}`, () => {
    let node: Node;
    let token: string;
    let schema: string | undefined;
    const env = backend.env();

    beforeAll(async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'sw-e2e-'));
      const syslog = { SHIELDWALL_SYSLOG_UDP: '127.0.0.1:0', SHIELDWALL_SYSLOG_TCP: '127.0.0.1:0', SHIELDWALL_SYSLOG_ORG: 'member-1' };
      const config = loadConfig({ env: { SHIELDWALL_DATA_DIR: dir, SHIELDWALL_PORT: '0', ...syslog, ...env } });
      schema = /schema=(\w+)/.exec(config.db.url)?.[1];
      node = await startNode(config, { logger: createLogger('silent'), content: { ruleSet: content!.ruleSet, correlations: content!.correlations } });
      await node.store.scoped(orgScope('member-1')).organisations.create({ id: 'member-1', name: 'Member 1', parentId: null });
      token = (await issueApiToken(node.store.scoped(orgScope('member-1')), { orgId: 'member-1', role: 'sensor', now: Date.now() })).token;
    });

    afterAll(async () => {
      if (node?.bus.kind === 'nats') {
        for (const stream of [node.pipeline.subjects.ingestStream, node.pipeline.subjects.alertStream]) await node.bus.deleteStream(stream);
      }
      await node?.close();
      if (schema) {
        const c = new pg.Client({ host: '127.0.0.1', port: 5432, database: 'test', user: userInfo().username });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    });

    const post = (body: string, type: string, extra: Record<string, string> = {}) =>
      fetch(`${node.address}/api/v1/events?ids=true`, {
        method: 'POST', body, headers: { authorization: `Bearer ${token}`, 'content-type': type, ...extra },
      });

    async function alertsFor(eventIds: Set<string>, want: number): Promise<{ ruleId: string; author: string; eventId: string | null }[]> {
      const scoped = node.store.scoped(orgScope('member-1'));
      const deadline = Date.now() + 20_000;
      for (;;) {
        const items = [];
        let cursor: string | null = null;
        do {
          const page = await scoped.alerts.query({ limit: 1000, cursor });
          items.push(...page.items);
          cursor = page.next;
        } while (cursor);
        const mine = items.filter((a) => a.eventId && eventIds.has(a.eventId));
        if (mine.length >= want || Date.now() > deadline) return mine;
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    it('turns real Windows events posted over HTTP into stored events and the same alerts as offline detection, each with the rule author', async () => {
      const { events, expected } = await regressionEvents();
      const res = await post(JSON.stringify(events), 'application/json');
      expect(res.status).toBe(202);
      const answer = (await res.json()) as { accepted: number; rejected: unknown[]; ids: string[] };
      expect(answer.rejected).toEqual([]);
      expect(answer.accepted).toBe(events.length);

      // What the engine finds offline over the same events is what the live pipeline must store.
      const offline = new Detector({ ruleSet: content!.ruleSet, correlations: content!.correlations });
      const want = new Set<string>();
      events.forEach((e, i) => {
        for (const d of offline.process(normalizeEvent(e))) if (d.kind === 'rule') want.add(`${answer.ids[i]}|${d.rule.id}`);
      });
      const alerts = await alertsFor(new Set(answer.ids), want.size);
      const got = new Set(alerts.map((a) => `${a.eventId}|${a.ruleId}`));
      expect([...want].filter((k) => !got.has(k))).toEqual([]);
      expect(alerts.every((a) => a.author.trim().length > 0)).toBe(true);

      // The regression folders say which rule each event must fire.
      const fired = [...expected].filter(([i, ruleId]) => got.has(`${answer.ids[i]}|${ruleId}`)).length;
      console.log(`${backend.name}: ${fired}/${expected.size} regression events raised their rule's alert live`);
      expect(fired / expected.size).toBeGreaterThan(0.9);

      const stored = await node.store.scoped(orgScope('member-1')).events.get(answer.ids[0]!);
      expect(stored?.data).toMatchObject({ format: 'windows' });
    });

    it('stores real Suricata EVE records sent as gzip NDJSON and reports malformed lines by index', async () => {
      const dir = path.join(testdata, 'suricata/otrf');
      const file = readdirSync(dir).find((f) => f.endsWith('.eve.json'))!;
      const lines = readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l.trim());
      const body = [...lines.slice(0, 200), '{"broken": ', ...lines.slice(200, 300)].join('\n');
      const { gzipSync } = await import('node:zlib');
      const res = await fetch(`${node.address}/api/v1/events?ids=true`, {
        method: 'POST', body: gzipSync(body),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      });
      expect(res.status, await res.clone().text()).toBe(202);
      const answer = (await res.json()) as { accepted: number; rejected: { index: number; code: string }[]; ids: string[] };
      expect(answer.accepted).toBe(Math.min(lines.length, 300));
      expect(answer.rejected).toEqual([expect.objectContaining({ index: Math.min(lines.length, 200), code: 'JSON_INVALID' })]);
      const stored = await node.store.scoped(orgScope('member-1')).events.get(answer.ids[0]!);
      expect(stored?.data).toMatchObject({ format: 'eve' });
      expect((stored?.data as { ecs: Record<string, unknown> }).ecs['source.ip']).toBeTruthy();
    });

    it('accepts real syslog and CEF lines as text and counts them in the metrics', async () => {
      const cef = readFileSync(path.join(testdata, 'syslog/cef-samples.txt'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
      const res = await post(cef.join('\n'), 'text/plain');
      expect(res.status).toBe(202);
      const answer = (await res.json()) as { accepted: number; rejected: unknown[] };
      expect(answer.accepted + answer.rejected.length).toBe(cef.length);
      expect(answer.accepted).toBeGreaterThan(0);
      const metrics = await (await fetch(`${node.address}/metrics`)).text();
      expect(metrics).toMatch(/shieldwall_ingest_queued_total\{input="http"\} \d+/);
    });

    it('stores real syslog frames received over TCP (LF and octet-counted) and UDP as events of the syslog org', async () => {
      const manifest = JSON.parse(readFileSync(path.join(testdata, 'syslog/manifest.json'), 'utf8')) as { file: string; transport: string; messages: number }[];
      const tcp = manifest.filter((c) => c.transport === 'tcp');
      const udp = manifest.filter((c) => c.transport === 'udp');
      const port = (address: string | undefined) => Number(address!.split(':').pop());
      const tcpSenders = new Set<string>();
      for (const c of tcp) {
        const socket = connect(port(node.syslog.tcp), '127.0.0.1');
        socket.once('connect', () => tcpSenders.add(`127.0.0.1:${socket.localPort}`));
        await new Promise<void>((resolve, reject) => { socket.on('error', reject); socket.end(readFileSync(path.join(testdata, 'syslog', c.file)), resolve); });
      }
      const sender = createSocket('udp4');
      for (const c of udp) {
        await new Promise<void>((resolve, reject) => sender.send(readFileSync(path.join(testdata, 'syslog', c.file)), port(node.syslog.udp), '127.0.0.1', (err) => (err ? reject(err) : resolve())));
      }
      const udpSender = `127.0.0.1:${sender.address().port}`;
      sender.close();

      const scoped = node.store.scoped(orgScope('member-1'));
      const stored = async (source: string) => (await scoped.events.query({ source, limit: 1000 })).items;
      const want = { 'syslog-tcp': tcp.reduce((n, c) => n + c.messages, 0), 'syslog-udp': udp.reduce((n, c) => n + c.messages, 0) };
      const deadline = Date.now() + 20_000;
      while (((await stored('syslog-tcp')).length < want['syslog-tcp'] || (await stored('syslog-udp')).length < want['syslog-udp']) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const got = { tcp: await stored('syslog-tcp'), udp: await stored('syslog-udp') };
      expect(got.tcp).toHaveLength(want['syslog-tcp']);
      expect(got.udp).toHaveLength(want['syslog-udp']);
      const formats = (events: typeof got.tcp) => new Set(events.map((e) => (e.data as { format: string }).format));
      // rsyslog's JSON capture adds 'json' (and CEF inside JSON) to the syslog formats.
      expect([...formats(got.tcp)]).toEqual(expect.arrayContaining(['syslog5424', 'syslog3164', 'cef', 'json']));
      expect(formats(got.udp)).toEqual(new Set(['syslog5424', 'syslog3164', 'cef']));
      expect(got.tcp.every((e) => e.orgId === 'member-1')).toBe(true);
      // Each stored event names the connection or datagram it came from, as Filebeat does.
      const senderOf = (e: (typeof got.tcp)[number]) => (e.data as { ecs: Record<string, unknown> }).ecs['log.source.address'];
      expect(tcpSenders.size).toBe(tcp.length);
      expect(new Set(got.tcp.map(senderOf))).toEqual(tcpSenders);
      expect(new Set(got.udp.map(senderOf))).toEqual(new Set([udpSender]));
      const metrics = await (await fetch(`${node.address}/metrics`)).text();
      expect(metrics).toMatch(/shieldwall_ingest_queued_total\{input="syslog-udp"\} \d+/);
      expect(metrics).toMatch(/shieldwall_syslog_connections\{input="syslog-tcp"\} 0/);
    });

    it('refuses an unauthenticated submission and a non-JSON body with the catalog shape', async () => {
      const anon = await fetch(`${node.address}/api/v1/events`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(anon.status).toBe(401);
      const bad = await post('[{"a":1}, nope]', 'application/json');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_JSON');
    });
  });
}
