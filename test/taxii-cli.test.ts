import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli, waitForOutput } from './cli-process.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const taxii = 'application/taxii+json;version=2.1';
const green = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';

async function cliJson(args: string[]): Promise<Record<string, unknown>> {
  const res = await runCli(args);
  expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(0);
  return JSON.parse(res.stdout) as Record<string, unknown>;
}

/**
 * Issue 5 "Done when": a TAXII 2.1 client, used as a new user would, against `shieldwall start` on
 * the embedded default — organisations, tokens and a collection made with the CLI, then discovery,
 * collections, add objects, status and get objects over real HTTP with Bearer and Basic.
 */
describe('TAXII 2.1 against shieldwall start (CLI, embedded store)', () => {
  it('creates a collection with the CLI, accepts an envelope and serves it back with Bearer and Basic', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-taxii-'));
    dirs.push(dir);
    const node = ['--data-dir', dir];
    expect((await runCli(['org', 'create', '--id', 'partner', ...node])).code).toBe(0);
    const acme = await cliJson(['token', 'create', '--org', 'acme', '--role', 'analyst', '--format', 'json', ...node]);
    const partner = await cliJson(['token', 'create', '--org', 'partner', '--role', 'viewer', '--format', 'json', ...node]);
    const collection = await cliJson(['taxii', 'collection', 'create', '--title', 'T', '--org', 'acme', '--read', 'partner', '--format', 'json', ...node]);
    expect(collection.id).toMatch(/^[0-9a-f-]{36}$/);
    const typo = await runCli(['taxii', 'collection', 'create', '--title', 'T', '--org', 'acme', '--write', 'partnr', ...node]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('partnr');

    const child = spawnCli(['start', '--port', '0', ...node]);
    try {
      const [, base] = await waitForOutput(child, /listening on (http:\/\/\S+)/, 120_000);
      const bearer = (t: unknown) => ({ authorization: `Bearer ${String(t)}`, accept: taxii });
      const basic = (t: { token?: unknown; id?: unknown }) => ({
        authorization: `Basic ${Buffer.from(`${String(t.id)}:${String(t.token)}`).toString('base64')}`, accept: taxii,
      });

      const discovery = await fetch(`${base}/taxii2/`, { headers: bearer(acme.token) });
      expect(discovery.status).toBe(200);
      expect(discovery.headers.get('content-type')).toBe(taxii);
      const apiRoot = ((await discovery.json()) as { default: string }).default;
      expect(apiRoot).toBe(`${base}/taxii2/api/`);
      expect(((await (await fetch(apiRoot, { headers: bearer(acme.token) })).json()) as { versions: string[] }).versions).toEqual([taxii]);

      const listed = (await (await fetch(`${apiRoot}collections/`, { headers: bearer(partner.token) })).json()) as { collections: { id: string; can_read: boolean; can_write: boolean }[] };
      expect(listed.collections).toEqual([expect.objectContaining({ id: collection.id, title: 'T', can_read: true, can_write: false })]);

      const objectsUrl = `${apiRoot}collections/${String(collection.id)}/objects/`;
      const indicator = {
        type: 'indicator', spec_version: '2.1', id: 'indicator--6b6ea9bb-5e2d-4c2b-9b8f-3d3c3b1f0a01', created: '2025-01-01T00:00:00.000Z',
        modified: '2025-01-01T00:00:00.000Z', pattern: "[domain-name:value = 'evil.example']", pattern_type: 'stix',
        valid_from: '2025-01-01T00:00:00Z', object_marking_refs: [green],
      };
      const posted = await fetch(objectsUrl, {
        method: 'POST', headers: { ...bearer(acme.token), 'content-type': taxii },
        body: JSON.stringify({ objects: [indicator, { type: 'indicator', id: 'indicator--broken' }] }),
      });
      expect(posted.status).toBe(202);
      const status = (await posted.json()) as { id: string; status: string; success_count: number; failure_count: number };
      expect(status).toMatchObject({ status: 'complete', success_count: 1, failure_count: 1 });
      const again = await fetch(`${apiRoot}status/${status.id}/`, { headers: basic(acme) });
      expect(((await again.json()) as { id: string }).id).toBe(status.id);

      for (const headers of [basic(acme), bearer(partner.token), basic(partner)]) {
        const got = await fetch(objectsUrl, { headers });
        expect(got.status).toBe(200);
        expect(got.headers.get('x-taxii-date-added-first')).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(((await got.json()) as { objects: unknown[] }).objects).toEqual([indicator]);
      }
      const last = (await fetch(objectsUrl, { headers: bearer(partner.token) })).headers.get('x-taxii-date-added-last')!;
      expect(await (await fetch(`${objectsUrl}?added_after=${last}`, { headers: bearer(partner.token) })).json()).toEqual({});
      const denied = await fetch(objectsUrl, { method: 'POST', headers: { ...bearer(partner.token), 'content-type': taxii }, body: '{"objects":[]}' });
      expect(denied.status).toBe(403);
      expect(denied.headers.get('content-type')).toBe(taxii);
      const anonymous = await fetch(objectsUrl, { headers: { accept: taxii } });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toContain('Basic');

      const list = JSON.parse((await runCli(['taxii', 'collection', 'list', '--format', 'json', ...node])).stdout) as { id: string; read: string[] }[];
      expect(list).toEqual([expect.objectContaining({ id: collection.id, read: ['partner'] })]);
    } finally {
      await new Promise((resolve) => {
        child.on('close', resolve);
        child.kill('SIGTERM');
      });
    }
  }, 300_000);
});
