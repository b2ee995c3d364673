import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indicator, taxiiFixture, type TaxiiFixture } from '../src/taxii/taxii-test-kit.js';
import { TaxiiClient } from '../src/taxii/client/index.js';
import { root, runCli } from './cli-process.js';

// `shieldwall taxii subscribe|subscriptions|poll` as a user runs them: a MISP feed directory (the
// shared feed-example) and a TAXII collection served by a node in this process, polled by the CLI
// in a child process.
const feedExample = path.join(root, '../shared/testdata/misp/feed-example');
const dirs: string[] = [];
let peer: TaxiiFixture;
let peerBase: string;

beforeAll(async () => {
  peer = await taxiiFixture();
  peerBase = await peer.app.listen({ port: 0, host: '127.0.0.1' });
  const producer = new TaxiiClient({ auth: { kind: 'bearer', token: await peer.token('producer') } });
  await producer.addObjects(`${peerBase}/taxii2/api/collections/col-1/`, [indicator(1), indicator(2)]);
});

afterAll(async () => {
  await peer.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function ok(args: string[]): Promise<string> {
  const res = await runCli(args);
  expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(0);
  return res.stdout;
}

describe('shieldwall taxii subscribe / poll', () => {
  it('subscribes an organisation to a MISP feed directory and polls it incrementally', async () => {
    const node = ['--data-dir', tempDir('sw-feeds-')];
    const feed = tempDir('misp-feed-');
    cpSync(feedExample, feed, { recursive: true });
    await ok(['org', 'create', '--id', 'cert-a', ...node]);
    const sub = JSON.parse(await ok(['taxii', 'subscribe', feed, '--kind', 'misp-feed', '--org', 'cert-a', '--interval', '600', '--format', 'json', ...node])) as Record<string, unknown>;
    expect(sub).toMatchObject({ org: 'cert-a', kind: 'misp-feed', url: feed, interval: 600, auth: null });

    const first = JSON.parse(await ok(['taxii', 'poll', '--once', '--format', 'json', ...node])) as Record<string, unknown>[];
    expect(first).toEqual([expect.objectContaining({ subscription: sub.id, events: 11, rejected: 0, error: null })]);
    expect(first[0]!.accepted).toBeGreaterThan(500);
    const second = JSON.parse(await ok(['taxii', 'poll', '--once', '--format', 'json', ...node])) as Record<string, unknown>[];
    expect(second).toEqual([expect.objectContaining({ events: 0, objects: 0, error: null })]);

    const table = await ok(['taxii', 'subscriptions', ...node]);
    expect(table).toContain(String(sub.id));
    expect(table).toContain('misp-feed');
    expect((await runCli(['taxii', 'unsubscribe', String(sub.id), '--org', 'other', ...node])).code).toBe(1);
    await ok(['taxii', 'unsubscribe', String(sub.id), '--org', 'cert-a', ...node]);
    expect(JSON.parse(await ok(['taxii', 'subscriptions', '--format', 'json', ...node]))).toEqual([]);
  }, 120_000);

  it('subscribes to a peer TAXII collection with a token, polls it, and never prints the token', async () => {
    const node = ['--data-dir', tempDir('sw-feeds-')];
    const token = await peer.token('member', 'viewer');
    await ok(['org', 'create', '--id', 'cert-b', ...node]);
    const out = await ok(['taxii', 'subscribe', `${peerBase}/taxii2/api/`, '--collection', 'col-1', '--org', 'cert-b', '--token', token, '--format', 'json', ...node]);
    expect(out).not.toContain(token);
    expect(JSON.parse(out)).toMatchObject({ kind: 'taxii', collection: 'col-1', auth: 'bearer', interval: 3600 });
    const polled = JSON.parse(await ok(['taxii', 'poll', '--once', '--format', 'json', ...node])) as Record<string, unknown>[];
    expect(polled).toEqual([expect.objectContaining({ kind: 'taxii', objects: 2, accepted: 2, rejected: 0, error: null })]);
    expect(String(polled[0]!.cursor)).toMatch(/^\d{4}-\d\d-\d\dT/);
    const listed = await ok(['taxii', 'subscriptions', '--format', 'json', ...node]);
    expect(listed).not.toContain(token);
  }, 120_000);

  it('refuses bad usage with exit 2 and a failing poll with exit 1', async () => {
    const node = ['--data-dir', tempDir('sw-feeds-')];
    await ok(['org', 'create', '--id', 'cert-c', ...node]);
    const noCollection = await runCli(['taxii', 'subscribe', `${peerBase}/taxii2/api/`, '--org', 'cert-c', ...node]);
    expect(noCollection.code).toBe(2);
    expect(noCollection.stderr).toContain('--collection');
    const both = await runCli(['taxii', 'subscribe', `${peerBase}/taxii2/api/`, '--collection', 'col-1', '--org', 'cert-c', '--token', 't', '--user', 'u', '--password', 'p', ...node]);
    expect(both.code).toBe(2);
    const unknownOrg = await runCli(['taxii', 'subscribe', `${peerBase}/taxii2/api/`, '--collection', 'col-1', '--org', 'nobody', ...node]);
    expect(unknownOrg.code).toBe(1);
    await ok(['taxii', 'subscribe', `${peerBase}/taxii2/api/`, '--collection', 'col-1', '--org', 'cert-c', '--token', 'sw_wrong_wrong', ...node]);
    const failed = await runCli(['taxii', 'poll', '--once', '--format', 'json', ...node]);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)[0].error).toMatch(/HTTP 401/);
  }, 120_000);
});
