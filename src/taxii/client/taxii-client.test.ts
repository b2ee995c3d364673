import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaxiiClient, taxiiMediaType } from './taxii-client.js';
import { TaxiiClientError } from './taxii-client-error.js';

// A small peer built from the TAXII 2.1 specification's examples (§4.1, §4.2, §5.1–5.4): it
// checks the media type and credentials, pages objects with `next` or only by the date headers,
// and keeps a status resource pending for one poll. It covers what our own server may never do
// (paging without `next`, a pending status, a slow answer).
const objects = Array.from({ length: 5 }, (_, i) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--0000000${i}-0000-4000-8000-000000000000`,
  date_added: `2026-01-01T00:00:0${i}.000Z`,
}));

let peer: FastifyInstance;
let base: string;
const seen: { accept?: string; contentType?: string; authorization?: string }[] = [];
let statusPolls = 0;

function taxiiError(status: number, title: string) {
  return { title, description: `example ${status}`, error_code: `E${status}`, http_status: String(status) };
}

beforeAll(async () => {
  peer = Fastify();
  peer.addContentTypeParser('application/taxii+json', { parseAs: 'string' }, (_req, body, done) => done(null, JSON.parse(String(body))));
  peer.addHook('onRequest', async (req, reply) => {
    seen.push({ accept: req.headers.accept, contentType: req.headers['content-type'], authorization: req.headers.authorization });
    reply.type(taxiiMediaType);
    if (req.url.startsWith('/open/')) return;
    const basic = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
    if (req.headers.authorization !== 'Bearer tok' && req.headers.authorization !== basic) {
      return reply.code(401).send(taxiiError(401, 'Unauthorized'));
    }
    if (!String(req.headers.accept).includes(taxiiMediaType)) return reply.code(406).send(taxiiError(406, 'Not Acceptable'));
  });
  peer.get('/taxii2/', async () => ({ title: 'Example peer', default: `${base}/api1/`, api_roots: [`${base}/api1/`] }));
  peer.get('/api1/', async () => ({ title: 'API root', versions: [taxiiMediaType], max_content_length: 1048576 }));
  peer.get('/api1/collections/', async () => ({
    collections: [{ id: 'c1', title: 'Indicators', can_read: true, can_write: true, media_types: [taxiiMediaType] }],
  }));
  peer.get('/api1/collections/missing/objects/', async (_req, reply) => reply.code(404).send(taxiiError(404, 'Collection not found')));
  // `paged` answers with next tokens; `dated` pages only through X-TAXII-Date-Added-Last.
  for (const mode of ['paged', 'dated'] as const) {
    peer.get(`/api1/collections/${mode}/objects/`, async (req, reply) => {
      const q = req.query as Record<string, string>;
      const limit = Number(q.limit ?? 100);
      const after = q.added_after;
      const pool = objects.filter((o) => after === undefined || o.date_added > after);
      const start = mode === 'paged' && q.next ? Number(q.next) : 0;
      const page = pool.slice(start, start + limit);
      const more = start + limit < pool.length;
      if (page.length > 0) {
        reply.header('X-TAXII-Date-Added-First', page[0]!.date_added);
        reply.header('X-TAXII-Date-Added-Last', page[page.length - 1]!.date_added);
      }
      return { more, ...(mode === 'paged' && more ? { next: String(start + limit) } : {}), objects: page };
    });
  }
  peer.get('/api1/collections/paged/manifest/', async () => ({
    more: false,
    objects: objects.map((o) => ({ id: o.id, date_added: o.date_added, version: o.date_added, media_type: 'application/stix+json;version=2.1' })),
  }));
  peer.post('/api1/collections/paged/objects/', async (req, reply) => {
    const body = req.body as { objects: { id: string }[] };
    statusPolls = 0;
    return reply.code(202).send({
      id: 'status-1', status: 'pending', total_count: body.objects.length, success_count: 0, failure_count: 0, pending_count: body.objects.length,
    });
  });
  peer.get('/api1/status/status-1/', async () => {
    statusPolls++;
    return statusPolls < 2
      ? { id: 'status-1', status: 'pending', total_count: 1, success_count: 0, failure_count: 0, pending_count: 1 }
      : { id: 'status-1', status: 'complete', total_count: 1, success_count: 1, failure_count: 0, pending_count: 0, successes: [{ id: objects[0]!.id }] };
  });
  peer.get('/open/slow/', async () => {
    await new Promise((r) => setTimeout(r, 400));
    return {};
  });
  peer.get('/open/not-json/', async (_req, reply) => reply.code(502).type('text/plain').send('bad gateway'));
  base = await peer.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await peer.close();
});

const bearer = () => new TaxiiClient({ auth: { kind: 'bearer', token: 'tok' } });

describe('TaxiiClient', () => {
  it('reads discovery, the API root and its collections with the TAXII media type', async () => {
    const client = bearer();
    const discovery = await client.discovery(`${base}/taxii2`);
    expect(discovery.api_roots).toEqual([`${base}/api1/`]);
    expect((await client.apiRoot(discovery.default!)).versions).toEqual([taxiiMediaType]);
    const collections = await client.collections(`${base}/api1/`);
    expect(collections.map((c) => c.id)).toEqual(['c1']);
    expect(seen.at(-1)).toMatchObject({ accept: taxiiMediaType, authorization: 'Bearer tok' });
  });

  it('sends HTTP Basic credentials', async () => {
    const client = new TaxiiClient({ auth: { kind: 'basic', user: 'alice', password: 's3cret' } });
    expect((await client.apiRoot(`${base}/api1/`)).title).toBe('API root');
  });

  it('surfaces TAXII errors with status, title and error code', async () => {
    const anonymous = new TaxiiClient();
    const denied = await anonymous.discovery(`${base}/taxii2/`).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(TaxiiClientError);
    expect(denied).toMatchObject({ status: 401, title: 'Unauthorized', errorCode: 'E401' });
    const missing = await bearer().getObjects(`${base}/api1/collections/missing/`).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, title: 'Collection not found' });
    const notJson = await bearer().discovery(`${base}/open/not-json/`).catch((e: unknown) => e);
    expect(notJson).toMatchObject({ status: 502, description: 'bad gateway' });
  });

  it.each(['paged', 'dated'] as const)('polls every page of a %s collection and reports the date-added cursor', async (mode) => {
    const pages = [];
    for await (const page of bearer().pollObjects(`${base}/api1/collections/${mode}`, { limit: 2 })) pages.push(page);
    expect(pages.map((p) => p.objects.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.objects.map((o) => o.id))).toEqual(objects.map((o) => o.id));
    expect(pages.at(-1)).toMatchObject({ more: false, dateAddedLast: objects[4]!.date_added });
    const again = [];
    for await (const page of bearer().pollObjects(`${base}/api1/collections/${mode}/`, { addedAfter: pages.at(-1)!.dateAddedLast! })) again.push(page);
    expect(again).toEqual([{ objects: [], more: false }]);
  });

  it('sends match filters and reads the manifest', async () => {
    const manifest = await bearer().manifest(`${base}/api1/collections/paged/`, { match: { type: ['indicator'] } });
    expect(manifest.objects).toHaveLength(5);
    const objectsPage = await bearer().getObjects(`${base}/api1/collections/paged/`, { match: { type: ['indicator', 'malware'] }, limit: 1 });
    expect(objectsPage).toMatchObject({ more: true, next: '1' });
  });

  it('posts an envelope and polls the status until complete', async () => {
    const waits: number[] = [];
    const client = new TaxiiClient({ auth: { kind: 'bearer', token: 'tok' }, sleep: async (ms) => void waits.push(ms) });
    const status = await client.addObjects(`${base}/api1/collections/paged/`, [objects[0]!]);
    expect(status).toMatchObject({ status: 'pending', total_count: 1 });
    expect(seen.at(-1)?.contentType).toBe(taxiiMediaType);
    const done = await client.waitForStatus(`${base}/api1/`, status.id, { intervalMs: 250 });
    expect(done).toMatchObject({ status: 'complete', success_count: 1 });
    expect(waits).toEqual([250]);
  });

  it('gives up after the timeout with status 0', async () => {
    const client = new TaxiiClient({ timeoutMs: 100 });
    const e = await client.discovery(`${base}/open/slow/`).catch((err: unknown) => err);
    expect(e).toMatchObject({ status: 0, title: 'timeout' });
    const refused = await client.discovery('http://127.0.0.1:1/taxii2/').catch((err: unknown) => err);
    expect(refused).toMatchObject({ status: 0, title: 'unreachable' });
  });
});
