import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { issueApiToken } from '../src/governance/index.js';
import { loadRulePaths } from '../src/hunt/index.js';
import { buildSimpleIndicator } from '../src/intel/index.js';
import { validateStixObject } from '../src/intel/stix/node.js';
import { createLogger, startNode, type Node } from '../src/server/runtime.js';
import { orgScope } from '../src/store/index.js';
import { systemClock } from '../src/shared/clock.js';
import { randomIds } from '../src/shared/ids.js';
import { root, runCli } from './cli-process.js';

const apt1File = path.resolve(root, '../shared/content/stix/examples/threat-reports/apt1.json');
const apt1 = JSON.parse(readFileSync(apt1File, 'utf8')) as { objects: { type: string }[] };
const ctx = { clock: systemClock, ids: randomIds };

// Each CLI run starts a TypeScript process (seconds on a loaded machine): tests here get minutes, not 30 s.
describe('shieldwall intel import / export on the local store', { timeout: 180_000 }, () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sw-intel-cli-'));
    env = { SHIELDWALL_DATA_DIR: dir };
    for (const org of ['member-a', 'member-b']) {
      const r = await runCli(['org', 'create', '--id', org], env);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('imports the OASIS APT1 report into an organisation, and a second run finds only duplicates', async () => {
    const first = await runCli(['intel', 'import', apt1File, '--org', 'member-a', '--format', 'json'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ objects: apt1.objects.length, accepted: apt1.objects.length, new: apt1.objects.length, rejected: 0 });
    const again = await runCli(['intel', 'import', apt1File, '--org', 'member-a', '--format', 'json'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ accepted: apt1.objects.length, duplicate: apt1.objects.length, new: 0 });
  });

  it('rejects the invalid objects of a bundle with property and reason, stores the others, and exits 1', async () => {
    const good = buildSimpleIndicator({ orgId: 'member-b', type: 'ipv4-addr', value: '198.51.100.20', tlp: 'green' }, ctx);
    const bad = { ...good, id: 'indicator--0b1f7c2e-3a5d-4e6f-8a9b-0c1d2e3f4a5b', valid_from: 'yesterday' };
    const file = path.join(dir, 'mixed.json');
    writeFileSync(file, JSON.stringify({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects: [bad, good] }));
    const r = await runCli(['intel', 'import', file, '--org', 'member-b', '--format', 'json'], env);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { accepted: number; rejected: number; rejects: { index: number; id: string; property: string; reason: string }[] };
    expect(out).toMatchObject({ accepted: 1, rejected: 1 });
    expect(out.rejects[0]).toMatchObject({ index: 0, id: bad.id, property: expect.stringContaining('valid_from') });
  });

  it('exports with the TLP policy applied for the recipient, as STIX, CSV and MISP', async () => {
    const objects = (['clear', 'green', 'amber', 'red'] as const).map((tlp, i) =>
      buildSimpleIndicator({ orgId: 'member-b', type: 'domain-name', value: `${tlp}.tlp.example`, tlp, name: `TLP ${tlp} ${i}` }, ctx),
    );
    const file = path.join(dir, 'tlp.json');
    writeFileSync(file, JSON.stringify(objects));
    expect((await runCli(['intel', 'import', file, '--org', 'member-b'], env)).code).toBe(0);

    const pub = await runCli(['intel', 'export', '--format', 'stix', '--org', 'member-b', '--recipient', 'public'], env);
    expect(pub.code, pub.stderr).toBe(0);
    const bundle = JSON.parse(pub.stdout) as { type: string; objects: Record<string, unknown>[] };
    expect(bundle.type).toBe('bundle');
    const patterns = bundle.objects.map((o) => o.pattern);
    expect(patterns).toContain("[domain-name:value = 'clear.tlp.example']");
    expect(patterns.some((p) => String(p).includes('green.tlp') || String(p).includes('amber.tlp') || String(p).includes('red.tlp'))).toBe(false);
    for (const o of bundle.objects) expect(validateStixObject(o)).toEqual({ ok: true });
    expect(pub.stderr).toMatch(/withheld by TLP/);

    const csv = await runCli(['intel', 'export', '--format', 'csv', '--org', 'member-b', '--recipient', 'member-a'], env);
    const values = csv.stdout.trim().split(/\r?\n/).slice(1).map((l) => l.split(',')[1]);
    expect(values).toContain('green.tlp.example');
    expect(values).toContain('198.51.100.20');
    expect(values).not.toContain('amber.tlp.example');
    expect(values).not.toContain('red.tlp.example');

    const out = path.join(dir, 'event.json');
    const misp = await runCli(['intel', 'export', '--format', 'misp', '--org', 'member-b', '--recipient', 'member-b', '-o', out], env);
    expect(misp.code, misp.stderr).toBe(0);
    const event = JSON.parse(readFileSync(out, 'utf8')) as { Event: { Attribute: { type: string; value: string }[]; Tag: { name: string }[] } };
    expect(event.Event.Attribute.filter((a) => a.type === 'domain').map((a) => a.value).sort()).toEqual(
      ['amber.tlp.example', 'clear.tlp.example', 'green.tlp.example', 'red.tlp.example'],
    );
    expect(event.Event.Tag).toEqual([{ name: 'tlp:red' }]);
  });

  it('imports a MISP event file and a whole MISP feed directory (manifest.json + event files) through the MISP mapping', async () => {
    const feed = path.resolve(root, '../shared/testdata/misp/feed-example');
    const one = await runCli(['intel', 'import', path.join(feed, '5a0a9aa9-23a4-4607-b6df-41a9950d210f.json'), '--org', 'member-a', '--format', 'json'], env);
    expect(one.code, one.stderr).toBe(0);
    const event = JSON.parse(one.stdout) as { format: string; events: number; accepted: number; rejected: number };
    expect(event).toMatchObject({ format: 'misp-event', events: 1, rejected: 0 });
    expect(event.accepted).toBeGreaterThan(1);
    const all = await runCli(['intel', 'import', feed, '--org', 'member-a', '--format', 'json'], env);
    expect(all.code, all.stderr).toBe(0);
    const summary = JSON.parse(all.stdout) as { format: string; events: number; objects: number; accepted: number; rejected: number };
    const manifest = Object.keys(JSON.parse(readFileSync(path.join(feed, 'manifest.json'), 'utf8')) as object);
    expect(summary).toMatchObject({ format: 'misp-feed', events: manifest.length, rejected: 0 });
    expect(summary.accepted).toBe(summary.objects);
    // An IDS attribute of one of the feed's real events is now an indicator value of the organisation.
    const ev = JSON.parse(readFileSync(path.join(feed, '5a0d5bf4-99c8-4f15-9879-22b1950d210f.json'), 'utf8')) as {
      Event: { Attribute: { type: string; value: string; to_ids: boolean }[] };
    };
    const ip = ev.Event.Attribute.find((a) => a.type === 'ip-dst' && a.to_ids)!.value;
    const csv = await runCli(['intel', 'export', '--format', 'csv', '--org', 'member-a', '--recipient', 'member-a'], env);
    expect(csv.stdout).toContain(`ipv4-addr,${ip},`);
  });

  it('answers a usage error and a missing file with one line', async () => {
    const usage = await runCli(['intel', 'export', '--format', 'xml'], env);
    expect(usage.code).toBe(2);
    const missing = await runCli(['intel', 'import', path.join(dir, 'nope.json')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json: ENOENT/);
    const notJson = path.join(dir, 'not.json');
    writeFileSync(notJson, 'hello');
    const r = await runCli(['intel', 'import', notJson], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not JSON/);
  });
});

describe('shieldwall intel import through a running node (--to) and from a URL', { timeout: 180_000 }, () => {
  let node: Node;
  let token: string;
  let files: Server;
  let filesUrl: string;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-intel-node-'));
    // No Sigma rules: these tests are about intelligence, and loading the shipped rules costs seconds.
    const rules = await loadRulePaths([]);
    node = await startNode(loadConfig({ env: { SHIELDWALL_DATA_DIR: dir, SHIELDWALL_PORT: '0' } }), {
      logger: createLogger('silent'),
      content: { ruleSet: rules.ruleSet, correlations: rules.correlations },
    });
    await node.store.scoped(orgScope('member-1')).organisations.create({ id: 'member-1', name: 'Member 1', parentId: null });
    token = (await issueApiToken(node.store.scoped(orgScope('member-1')), { orgId: 'member-1', role: 'analyst', now: Date.now() })).token;
    files = createServer((req, res) => {
      if (req.url === '/apt1.json') res.end(readFileSync(apt1File));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await node?.close();
    await new Promise((resolve) => files?.close(resolve));
  });

  it('fetches a bundle from a URL and posts it to the node, which indexes it for search', async () => {
    const r = await runCli(['intel', 'import', `${filesUrl}/apt1.json`, '--to', node.address, '--format', 'json'], { SHIELDWALL_TOKEN: token });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ accepted: apt1.objects.length, rejected: 0 });
    const found = await node.intel.searchIndicators(orgScope('member-1'), { value: 'hugesoft.org' });
    expect(found.items).toHaveLength(1);
    const missing = await runCli(['intel', 'import', `${filesUrl}/missing.json`, '--to', node.address], { SHIELDWALL_TOKEN: token });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/HTTP 404/);
  });

  it('refuses --to without a token (usage) and reports a refused token (exit 1)', async () => {
    expect((await runCli(['intel', 'import', apt1File, '--to', node.address])).code).toBe(2);
    const bad = await runCli(['intel', 'import', apt1File, '--to', node.address, '--token', 'sw_bad_token']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/401.*UNAUTHENTICATED/);
  });
});
