import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedPoller } from '../src/intel/feeds/index.js';
import { IntelService } from '../src/intel/index.js';
import { ManualClock } from '../src/shared/clock.js';
import type { IdGenerator } from '../src/shared/ids.js';
import { createStore, orgScope, type FeedSubscription, type Store } from '../src/store/index.js';
import { TaxiiClient, TaxiiClientError, taxiiMediaType } from '../src/taxii/client/index.js';
import { indicator, taxiiFixture, type TaxiiFixture } from '../src/taxii/taxii-test-kit.js';

// Our TAXII client and feed poller against our own TAXII server, listening on a real port: the
// producer publishes into `col-1`, and a second node (its own store) subscribes to it as `member`.
function uuids(): IdGenerator {
  let n = 0;
  return { next: () => `00000000-0000-4000-9000-${String(++n).padStart(12, '0')}` };
}

let peer: TaxiiFixture;
let base: string;
let subscriber: Store;
let poller: FeedPoller;
let memberToken: string;

beforeAll(async () => {
  peer = await taxiiFixture();
  base = await peer.app.listen({ port: 0, host: '127.0.0.1' });
  memberToken = await peer.token('member', 'viewer');
  const clock = new ManualClock(Date.UTC(2026, 10, 26));
  subscriber = await createStore(':memory:', { clock });
  await subscriber.migrate();
  await subscriber.scoped(orgScope('cert-b')).organisations.create({ id: 'cert-b', name: 'CERT B' });
  poller = new FeedPoller({ store: subscriber, importer: new IntelService({ store: subscriber, clock, ids: uuids() }), clock, ids: uuids(), pageSize: 2 });
});

afterAll(async () => {
  await subscriber.close();
  await peer.close();
});

const producer = async () => new TaxiiClient({ auth: { kind: 'bearer', token: await peer.token('producer') } });
const collectionUrl = () => `${base}/taxii2/api/collections/col-1/`;
const current = async (id: string) => (await subscriber.scoped(orgScope('cert-b')).feeds.get(id)) as FeedSubscription;

describe('TAXII client and feed polling against our TAXII server', () => {
  it('discovers the API root and its collections', async () => {
    const client = new TaxiiClient({ auth: { kind: 'bearer', token: memberToken } });
    const discovery = await client.discovery(`${base}/taxii2/`);
    expect(discovery.api_roots?.length).toBeGreaterThan(0);
    const apiRoot = await client.apiRoot(`${base}/taxii2/api/`);
    expect(apiRoot.versions).toContain(taxiiMediaType);
    const collections = await client.collections(`${base}/taxii2/api/`);
    expect(collections.find((c) => c.id === 'col-1')).toMatchObject({ can_read: true, can_write: false });
  });

  it('posts an envelope and follows its status to completion', async () => {
    const client = await producer();
    const status = await client.addObjects(collectionUrl(), [indicator(1), indicator(2), indicator(3)]);
    const done = await client.waitForStatus(`${base}/taxii2/api/`, status.id, { intervalMs: 10 });
    expect(done).toMatchObject({ status: 'complete', total_count: 3, success_count: 3, failure_count: 0 });
  });

  it('polls a subscription page by page, then only what was added since', async () => {
    await subscriber.scoped(orgScope('cert-b')).feeds.create({
      id: 'peer-col-1', orgId: 'cert-b', kind: 'taxii', url: `${base}/taxii2/api/`, collectionId: 'col-1',
      auth: { kind: 'bearer', token: memberToken }, intervalS: 60,
    });
    const first = await poller.poll(await current('peer-col-1'));
    expect(first).toMatchObject({ objects: 3, accepted: 3, rejected: 0, error: null });
    const manifest = await new TaxiiClient({ auth: { kind: 'bearer', token: memberToken } }).manifest(collectionUrl());
    expect(first.cursor).toBe(manifest.objects.at(-1)!.date_added);
    expect(await subscriber.scoped(orgScope('cert-b')).intel.objects.get(indicator(2).id)).not.toBeNull();

    expect(await poller.poll(await current('peer-col-1'))).toMatchObject({ objects: 0, error: null });

    peer.clock.advance(1000);
    await (await producer()).addObjects(collectionUrl(), [indicator(4), indicator(1, 'green', '2024-02-01T00:00:00.000Z')]);
    const third = await poller.poll(await current('peer-col-1'));
    expect(third).toMatchObject({ objects: 2, accepted: 2, rejected: 0, error: null });
  });

  it('authenticates with HTTP Basic (token id and token) as well', async () => {
    const client = new TaxiiClient({ auth: { kind: 'basic', user: memberToken.slice(3, 19), password: memberToken } });
    expect((await client.getObjects(collectionUrl(), { limit: 1 })).objects).toHaveLength(1);
  });

  it('surfaces the server TAXII errors and records them on the subscription', async () => {
    const stranger = new TaxiiClient({ auth: { kind: 'bearer', token: await peer.token('outsider') } });
    const e = await stranger.getObjects(collectionUrl()).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TaxiiClientError);
    expect((e as TaxiiClientError).status).toBe(404);
    expect((e as TaxiiClientError).title).not.toBe('');

    await subscriber.scoped(orgScope('cert-b')).feeds.create({
      id: 'bad-token', orgId: 'cert-b', kind: 'taxii', url: `${base}/taxii2/api/`, collectionId: 'col-1',
      auth: { kind: 'bearer', token: 'sw_nope_nope' }, intervalS: 60,
    });
    const report = await poller.poll(await current('bad-token'));
    expect(report.error).toMatch(/HTTP 401/);
    expect(await current('bad-token')).toMatchObject({ lastError: report.error, cursor: null });
  });
});
