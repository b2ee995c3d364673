import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { issueApiToken } from '../src/governance/index.js';
import { loadRulePaths, readEvents } from '../src/hunt/index.js';
import { createLogger, startNode, type Node } from '../src/server/runtime.js';
import { orgScope } from '../src/store/index.js';
import { root, runCli } from './cli-process.js';

const testdata = path.resolve(root, '../shared/testdata');
const datasets = path.join(testdata, 'security-datasets/datasets');
const files = [
  path.join(datasets, 'atomic/windows/execution/host/psh_powershell_httplistener.ndjson.gz'),
  path.join(datasets, 'compound/Log4Shell/securityauditing_log4shell_cve2021_44228_java_serialized_object.ndjson.gz'),
];
const haveData = files.every((f) => existsSync(f));
if (!haveData) console.warn(`skipping ingest/status CLI tests: ${datasets} is absent`);

/** Fires on every Sysmon process access (EventID 10), so the small files raise real alerts. */
const RULE = `title: Sysmon process access
id: 5d1b2c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d
status: test
author: Shieldwall tests
logsource: { product: windows, service: sysmon }
detection:
  selection: { EventID: 10 }
  condition: selection
level: low
`;


async function countEvents(file: string): Promise<number> {
  let n = 0;
  for await (const _ of readEvents(file)) n++;
  return n;
}

describe.runIf(haveData)('shieldwall ingest and status against a running node', () => {
  let node: Node;
  let token: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sw-ingest-cli-'));
    writeFileSync(path.join(dir, 'rule.yml'), RULE);
    const loaded = await loadRulePaths([path.join(dir, 'rule.yml')]);
    const config = loadConfig({ env: { SHIELDWALL_DATA_DIR: dir, SHIELDWALL_PORT: '0' } });
    node = await startNode(config, { logger: createLogger('silent'), content: { ruleSet: loaded.ruleSet, correlations: loaded.correlations } });
    await node.store.scoped(orgScope('member-1')).organisations.create({ id: 'member-1', name: 'Member 1', parentId: null });
    token = (await issueApiToken(node.store.scoped(orgScope('member-1')), { orgId: 'member-1', role: 'sensor', now: Date.now() })).token;
  });
  afterAll(async () => node?.close());

  async function stored(): Promise<number> {
    let n = 0;
    let cursor: string | null = null;
    do {
      const page = await node.store.scoped(orgScope('member-1')).events.query({ limit: 1000, cursor });
      n += page.items.length;
      cursor = page.next;
    } while (cursor);
    return n;
  }

  it('sends real dataset files in batches, and a second run of the same files stores nothing twice', async () => {
    const want = (await countEvents(files[0]!)) + (await countEvents(files[1]!));
    const before = await stored();
    const args = ['ingest', '--to', node.address, '--batch', '25', '--format', 'json', ...files];
    const first = await runCli(args, { SHIELDWALL_TOKEN: token });
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as { files: number; events: number; accepted: number; batches: number; batchesRefused: number; rejected: object };
    expect(summary).toMatchObject({ files: 2, events: want, accepted: want, batchesRefused: 0, rejected: {} });
    expect(summary.batches).toBeGreaterThanOrEqual(Math.ceil(want / 25));
    expect((await stored()) - before).toBe(want);

    const again = await runCli(args, { SHIELDWALL_TOKEN: token });
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { accepted: number }).accepted).toBe(want);
    expect((await stored()) - before).toBe(want);
  });

  it('reads NDJSON and syslog/CEF lines from stdin and counts rejected records by code', async () => {
    const cef = readFileSync(path.join(testdata, 'syslog/cef-samples.txt'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    const input = [...cef, '{"broken": ', ''].join('\n');
    const res = await runCli(['ingest', '--to', node.address, '--token', token, '--format', 'json', '-'], {}, input);
    expect(res.code, res.stderr).toBe(0);
    const summary = JSON.parse(res.stdout) as { events: number; accepted: number; rejected: Record<string, number> };
    expect(summary.events).toBe(cef.length + 1);
    expect(summary.rejected.JSON_INVALID).toBe(1);
    expect(summary.accepted + Object.values(summary.rejected).reduce((a, b) => a + b, 0)).toBe(cef.length + 1);
  });

  it('sends every format hunt reads (.json, .jsonl, .json.gz, .zip, .evtx) and a gzip JSON array on stdin, without a progress bar off a TTY', async () => {
    const eve = path.join(testdata, 'suricata/suricata-verify/alert-testmyids/eve.json');
    const evtx = path.join(testdata, 'sigma-regression/regression_data/rules-emerging-threats/2026/Exploits/RedSun/pipe_created_win_exploit_redsun_named_pipe/9b4e7c2a-3f6d-4a8b-b5e9-1c7d3f2e6a4b.evtx');
    const jsonl = path.join(dir, 'httplistener.jsonl');
    writeFileSync(jsonl, gunzipSync(readFileSync(files[0]!)));
    const jsonGz = path.join(dir, 'eve.json.gz');
    writeFileSync(jsonGz, gzipSync(readFileSync(eve)));
    const zip = path.join(dir, 'bundle.zip');
    writeFileSync(zip, zipSync({ 'eve.json': readFileSync(eve), 'pipe.evtx': readFileSync(evtx) }));
    const evtxCopy = path.join(dir, 'pipe.evtx');
    copyFileSync(evtx, evtxCopy);
    const inputs = [eve, jsonl, jsonGz, zip, evtxCopy];
    const counts = await Promise.all(inputs.map(countEvents));
    expect(counts.every((n) => n > 0)).toBe(true);
    const want = counts.reduce((a, b) => a + b, 0);
    const before = await stored();
    const res = await runCli(['ingest', '--to', node.address, '--token', token, '--format', 'json', ...inputs]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ files: inputs.length, events: want, accepted: want, malformed: 0, batchesRefused: 0 });
    expect(res.stderr).not.toContain('ingesting [');
    expect((await stored()) - before).toBe(want);

    const array = gzipSync(JSON.stringify(readFileSync(eve, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as object), null, 2));
    const piped = await runCli(['ingest', '--to', node.address, '--token', token, '--format', 'json', '-'], {}, array);
    expect(piped.code, piped.stderr).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ events: counts[0], accepted: counts[0], malformed: 0 });
  }, 60_000);

  it('draws the progress bar when stderr is a terminal (under script(1))', async () => {
    const haveScript = existsSync('/usr/bin/script');
    if (!haveScript) {
      console.warn('skipping the TTY progress bar check: script(1) is not installed');
      return;
    }
    const cli = ['node', '--import', 'tsx', path.join(root, 'src/cli/bin.ts'), 'ingest', '--to', node.address, '--token', token, files[1]!].map((a) => `'${a}'`).join(' ');
    const res = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn('/usr/bin/script', ['-qec', cli, '/dev/null'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(res.code, res.out).toBe(0);
    expect(res.out).toMatch(/ingesting \[=+\] 100% \| (\d+)\/\1 bytes \| \d+ events/);
  }, 60_000);

  it('cuts batches below the node body limit (10 MiB after gunzip) even when --batch allows more', async () => {
    // Real events, repeated with distinct markers, until the input is over the node's body limit.
    const base: string[] = [];
    for await (const r of readEvents(files[0]!)) base.push(JSON.stringify(r.raw));
    const lines: string[] = [];
    let bytes = 0;
    for (let i = 0; bytes < 11 * 1024 * 1024; i++) {
      const line = base[i % base.length]!.replace(/^\{/, `{"copy":${i},`);
      lines.push(line);
      bytes += line.length + 1;
    }
    const before = await stored();
    const res = await runCli(['ingest', '--to', node.address, '--token', token, '--batch', '100000', '--format', 'json', '-'], {}, lines.join('\n'));
    expect(res.code, res.stderr).toBe(0);
    const summary = JSON.parse(res.stdout) as { accepted: number; batches: number; batchesRefused: number };
    expect(summary).toMatchObject({ accepted: lines.length, batchesRefused: 0 });
    expect(summary.batches).toBe(2);
    expect((await stored()) - before).toBe(lines.length);
  });

  it('prints a table summary and fails (exit 1) when a file is missing, still sending the others', async () => {
    const res = await runCli(['ingest', '--to', node.address, files[0]!, path.join(dir, 'nope.ndjson')], { SHIELDWALL_TOKEN: token });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/cannot read .*nope\.ndjson/);
    expect(res.stdout).toMatch(/^files\s+2\s+1 failed$/m);
    expect(res.stdout).toMatch(/^accepted\s+\d+/m);
    expect(res.stdout).toMatch(/^events\/s\s+\d+/m);
  });

  it('fails (exit 1) when the node refuses every batch, naming the error code', async () => {
    const res = await runCli(['ingest', '--to', node.address, '--token', 'sw_bad', '--format', 'json', files[1]!]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/refused: UNAUTHENTICATED/);
    expect(JSON.parse(res.stdout)).toMatchObject({ accepted: 0, batchesRefused: 1 });
  });

  it('refuses bad usage with exit 2', async () => {
    expect((await runCli(['ingest', '--batch', '0', files[0]!])).code).toBe(2);
    expect((await runCli(['ingest', '--to', 'ftp://x', files[0]!])).code).toBe(2);
    expect((await runCli(['ingest', '--format', 'xml', files[0]!])).code).toBe(2);
    expect((await runCli(['ingest'])).code).toBe(2);
  }, 60_000); // four CLI processes, each several seconds on a loaded machine

  it('status shows per-input and per-stage counters, rejections by reason and lag quantiles', async () => {
    // The earlier tests sent Sysmon 10 events, whose alerts may still be on their way.
    const deadline = Date.now() + 15_000;
    const alerts = () => node.store.scoped(orgScope('member-1')).alerts.query({ limit: 1 });
    while ((await alerts()).items.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const res = await runCli(['status', '--url', node.address, '--format', 'json']);
    expect(res.code, res.stderr).toBe(0);
    const s = JSON.parse(res.stdout) as {
      ready: boolean; inputs: { input: string; received: number; parsed: number; queued: number; rejected: Record<string, number> }[];
      stages: { stage: string; detected: number }[]; alerts: Record<string, number>; lag: { p50Ms: number | null; p99Ms: number | null; count: number };
    };
    expect(s.ready).toBe(true);
    const http = s.inputs.find((i) => i.input === 'http')!;
    expect(http.received).toBeGreaterThan(0);
    expect(http.rejected.JSON_INVALID).toBeGreaterThanOrEqual(1);
    expect(http.parsed).toBe(http.received - Object.values(http.rejected).reduce((a, b) => a + b, 0));
    const detected = s.stages.find((st) => st.stage === 'sigma')?.detected ?? 0;
    expect(detected).toBeGreaterThan(0);
    expect(detected).toBeLessThanOrEqual(http.queued);
    expect(s.alerts.sigma).toBeGreaterThan(0);
    expect(s.lag.count).toBe(detected);
    expect(s.lag.p50Ms).not.toBeNull();
    expect(s.lag.p99Ms!).toBeGreaterThanOrEqual(s.lag.p50Ms!);

    const table = await runCli(['status', '--url', node.address]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/: ready \(store: ok, bus: ok\)/);
    expect(table.stdout).toMatch(/^http\s+\d+\s+\d+\s+\d+\s+JSON_INVALID=\d+/m);
    expect(table.stdout).toMatch(/^sigma\s+\d+\s+\d+ ms\s+\d+ ms\s+\d+$/m);
  });

  it('status fails (exit 1) with one line when no node answers', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const res = await runCli(['status', '--url', `http://127.0.0.1:${port}`]);
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toMatch(/^shieldwall: cannot reach http:\/\/127\.0\.0\.1:\d+\/readyz: ECONNREFUSED$/);
  });
});
