import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaxiiClient } from './client/index.js';
import { indicator, taxiiFixture, type TaxiiFixture } from './taxii-test-kit.js';

let f: TaxiiFixture;
let base: string;
beforeEach(async () => {
  f = await taxiiFixture();
  base = await f.app.listen({ host: '127.0.0.1', port: 0 });
});
afterEach(async () => {
  await f.close();
});

/**
 * The server against a TAXII 2.1 client written independently from the specification (the feed
 * poller's, src/taxii/client), over a real listening socket: what a peer node does.
 */
describe('TAXII 2.1 server with the independent TAXII client over real HTTP', () => {
  it('discovers, adds objects in envelopes, polls every page and then nothing new, with Bearer and Basic', async () => {
    const producerToken = await f.token('producer');
    const producer = new TaxiiClient({ auth: { kind: 'bearer', token: producerToken } });
    const discovery = await producer.discovery(`${base}/taxii2/`);
    const apiRoot = discovery.default!;
    expect(discovery.api_roots).toEqual([apiRoot]);
    expect((await producer.apiRoot(apiRoot)).versions).toEqual(['application/taxii+json;version=2.1']);
    const [collection] = await producer.collections(apiRoot);
    const collectionUrl = `${apiRoot}collections/${collection!.id}/`;

    for (let batch = 0; batch < 6; batch++) {
      const status = await producer.addObjects(collectionUrl, Array.from({ length: 400 }, (_, i) => indicator(batch * 400 + i)));
      expect(status).toMatchObject({ status: 'complete', success_count: 400, failure_count: 0 });
      expect((await producer.waitForStatus(apiRoot, status.id)).success_count).toBe(400);
    }

    const memberToken = await f.token('member', 'viewer');
    const member = new TaxiiClient({ auth: { kind: 'basic', user: memberToken.slice(3, 19), password: memberToken } });
    const pages = [];
    for await (const page of member.pollObjects(collectionUrl, { limit: 1000 })) pages.push(page);
    expect(pages.map((p) => p.objects.length)).toEqual([1000, 1000, 400]);
    const seen = new Set(pages.flatMap((p) => p.objects.map((o) => o.id)));
    expect(seen.size).toBe(2400);
    const cursor = pages.at(-1)!.dateAddedLast!;

    const nothing = [];
    for await (const page of member.pollObjects(collectionUrl, { addedAfter: cursor })) nothing.push(page);
    expect(nothing).toEqual([{ objects: [], more: false }]);

    await producer.addObjects(collectionUrl, [indicator(9999)]);
    const fresh = [];
    for await (const page of member.pollObjects(collectionUrl, { addedAfter: cursor })) fresh.push(...page.objects.map((o) => o.id));
    expect(fresh).toEqual([indicator(9999).id]);

    const manifest = await member.manifest(collectionUrl, { limit: 2, match: { type: ['indicator'] } });
    expect(manifest.objects).toHaveLength(2);
    expect(manifest.more).toBe(true);
    await expect(member.addObjects(collectionUrl, [indicator(1)])).rejects.toMatchObject({ status: 403 });
  }, 120_000);
});
