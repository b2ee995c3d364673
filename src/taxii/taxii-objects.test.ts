import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requireService } from '../../test/services.js';
import { createStore } from '../store/index.js';
import { TLP_MARKING_IDS } from '../intel/tlp/index.js';
import { indicator, postObjects, root, t0, taxiiFixture, type TaxiiFixture } from './taxii-test-kit.js';

const pgUrl = process.env.SHIELDWALL_TEST_PG_URL ?? 'postgres://127.0.0.1:5432/test';
const pgUp = await requireService(`PostgreSQL at ${new URL(pgUrl).host}`, async () => {
  const store = await createStore(pgUrl);
  await store.ping();
  await store.close();
});
const schemas: string[] = [];
afterAll(async () => {
  if (schemas.length === 0) return;
  // The store's default user (libpq's rule: the OS user) when the URL names none.
  const u = new URL(pgUrl);
  if (!u.username && !process.env.PGUSER) u.username = userInfo().username;
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  for (const s of schemas) await client.query(`drop schema if exists "${s}" cascade`);
  await client.end();
});

/** The same HTTP suite on each store: SQLite in memory, and PostgreSQL (a schema per test) when it answers. */
const backends: { name: string; url: () => string }[] = [
  { name: 'SQLite', url: () => ':memory:' },
  ...(pgUp
    ? [
        {
          name: 'PostgreSQL',
          url: () => {
            const schema = `sw_taxii_${randomBytes(6).toString('hex')}`;
            schemas.push(schema);
            return `${pgUrl}?schema=${schema}`;
          },
        },
      ]
    : []),
];

for (const { name, url: dbUrl } of backends)
  describe(`TAXII objects on ${name}`, () => {
    let f: TaxiiFixture;
    beforeEach(async () => {
      f = await taxiiFixture(dbUrl());
    });
    afterEach(async () => {
      await f.close();
    });

    const objectsUrl = `${root}/collections/col-1/objects/`;
    const get = async (url: string, token: string) => f.request({ method: 'GET', url, token });
    const ids = (body: { objects?: { id: string }[] }) =>
      (body.objects ?? []).map((o) => Number(o.id.slice(-12)));

    describe('TAXII 2.1 §5.4 get objects with "Filtering" and "Pagination" (section 3)', () => {
      it('pages by limit with more/next, and X-TAXII-Date-Added-First/Last bound each page, even for objects added in one millisecond', async () => {
        const producer = await f.token('producer');
        expect(
          (
            await postObjects(
              f,
              producer,
              [1, 2, 3, 4, 5].map((n) => indicator(n)),
            )
          ).statusCode,
        ).toBe(202);
        const member = await f.token('member', 'viewer');
        const first = await get(`${objectsUrl}?limit=2`, member);
        expect(first.statusCode).toBe(200);
        expect(ids(first.json())).toEqual([1, 2]);
        expect(first.json()).toMatchObject({ more: true, next: expect.any(String) });
        expect(first.headers['x-taxii-date-added-first']).toBe('2023-11-14T22:13:20.000Z');
        expect(first.headers['x-taxii-date-added-last']).toBe('2023-11-14T22:13:20.000001Z');
        const second = await get(`${objectsUrl}?limit=2&next=${first.json().next}`, member);
        expect(ids(second.json())).toEqual([3, 4]);
        // The alternative a client may use: added_after = the previous X-TAXII-Date-Added-Last.
        const byDate = await get(
          `${objectsUrl}?limit=2&added_after=${second.headers['x-taxii-date-added-last'] as string}`,
          member,
        );
        expect(ids(byDate.json())).toEqual([5]);
        expect(byDate.json().more).toBe(false);
        expect(byDate.json().next).toBeUndefined();
      });

      it('answers an added_after with nothing newer with an empty envelope and no date headers', async () => {
        const producer = await f.token('producer');
        await postObjects(f, producer, [indicator(1)]);
        const res = await get(`${objectsUrl}?added_after=2023-11-14T22:13:20.000Z`, await f.token('member'));
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({});
        expect(res.headers['x-taxii-date-added-first']).toBeUndefined();
        f.clock.advance(10);
        await postObjects(f, producer, [indicator(2)]);
        const later = await get(
          `${objectsUrl}?added_after=2023-11-14T22:13:20.000Z`,
          await f.token('member'),
        );
        expect(ids(later.json())).toEqual([2]);
        expect(later.headers['x-taxii-date-added-first']).toBe('2023-11-14T22:13:20.010Z');
      });

      it('caps a page at the server maximum of 1000 objects', async () => {
        const producer = await f.token('producer');
        for (let batch = 0; batch < 3; batch++) {
          expect(
            (
              await postObjects(
                f,
                producer,
                Array.from({ length: 400 }, (_, i) => indicator(batch * 400 + i)),
              )
            ).statusCode,
          ).toBe(202);
        }
        const res = await get(`${objectsUrl}?limit=5000`, producer);
        expect(res.json().objects).toHaveLength(1000);
        expect(res.json().more).toBe(true);
        const rest = await get(`${objectsUrl}?next=${res.json().next}`, producer);
        expect(rest.json().objects).toHaveLength(200);
        expect(rest.json().more).toBe(false);
      });

      it('filters by match[id], match[type], match[spec_version] and match[version] (last by default, first, all, a timestamp)', async () => {
        const producer = await f.token('producer');
        const v1 = indicator(1, 'green', '2024-01-01T00:00:00.000Z');
        const v2 = indicator(1, 'green', '2024-02-01T00:00:00.000Z');
        const malware = {
          type: 'malware',
          spec_version: '2.1',
          id: 'malware--00000000-0000-4000-8000-0000000000aa',
          created: '2024-01-01T00:00:00.000Z',
          modified: '2024-01-01T00:00:00.000Z',
          name: 'Evil',
          is_family: true,
          object_marking_refs: [TLP_MARKING_IDS.clear],
        };
        await postObjects(f, producer, [v2, indicator(2), v1, malware]);
        const member = await f.token('member');
        const modifiedOf = (body: { objects?: { id: string; modified: string }[] }) =>
          (body.objects ?? []).map((o) => `${o.id.split('--')[0]}@${o.modified.slice(0, 7)}`);
        expect(modifiedOf((await get(objectsUrl, member)).json())).toEqual([
          'indicator@2024-02',
          'indicator@2024-01',
          'malware@2024-01',
        ]);
        expect(
          modifiedOf(
            (await get(`${objectsUrl}?match[version]=all&match[id]=${v1.id as string}`, member)).json(),
          ),
        ).toEqual(['indicator@2024-02', 'indicator@2024-01']);
        expect(
          modifiedOf(
            (await get(`${objectsUrl}?match[version]=first&match[id]=${v1.id as string}`, member)).json(),
          ),
        ).toEqual(['indicator@2024-01']);
        expect(
          modifiedOf(
            (
              await get(`${objectsUrl}?match[version]=2024-01-01T00:00:00Z&match[type]=indicator`, member)
            ).json(),
          ),
        ).toEqual(['indicator@2024-01', 'indicator@2024-01']);
        expect(modifiedOf((await get(`${objectsUrl}?match[type]=malware,tool`, member)).json())).toEqual([
          'malware@2024-01',
        ]);
        expect(
          modifiedOf(
            (
              await get(
                `${objectsUrl}?match[type]=malware&match[type]=indicator&match[id]=${malware.id}`,
                member,
              )
            ).json(),
          ),
        ).toEqual(['malware@2024-01']);
        expect((await get(`${objectsUrl}?match[spec_version]=2.0`, member)).json()).toEqual({});
        expect((await get(`${objectsUrl}?match[spec_version]=2.1`, member)).json().objects).toHaveLength(3);
      });
    });

    describe('TAXII 2.1 §5.3 manifests, §5.6 get an object, §5.8 versions, §5.7 delete', () => {
      it('lists manifests with id, date_added, version and media_type', async () => {
        await postObjects(f, await f.token('producer'), [indicator(1, 'green', '2024-03-01T10:00:00.123Z')]);
        const res = await get(`${root}/collections/col-1/manifest/`, await f.token('member'));
        expect(res.json()).toEqual({
          more: false,
          objects: [
            {
              id: indicator(1).id,
              date_added: '2023-11-14T22:13:20.000Z',
              version: '2024-03-01T10:00:00.123Z',
              media_type: 'application/stix+json;version=2.1',
            },
          ],
        });
        expect(res.headers['x-taxii-date-added-last']).toBe('2023-11-14T22:13:20.000Z');
      });

      it('gets one object (latest version by default), its versions, and deletes versions', async () => {
        const producer = await f.token('producer');
        const v1 = indicator(1, 'green', '2024-01-01T00:00:00.000Z');
        const v2 = indicator(1, 'green', '2024-02-01T00:00:00.000Z');
        await postObjects(f, producer, [v1, v2, indicator(2)]);
        const url = `${objectsUrl}${v1.id as string}/`;
        const one = (await get(url, producer)).json();
        expect(one.objects.map((o: { modified: string }) => o.modified)).toEqual([
          '2024-02-01T00:00:00.000Z',
        ]);
        expect((await get(`${url}?match[version]=all`, producer)).json().objects).toHaveLength(2);
        const versions = await get(`${url}versions/`, producer);
        expect(versions.json()).toEqual({
          more: false,
          versions: ['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z'],
        });
        expect(versions.headers['x-taxii-date-added-first']).toBe('2023-11-14T22:13:20.000Z');
        expect((await get(`${url}versions/?limit=1`, producer)).json()).toMatchObject({
          more: true,
          versions: ['2024-01-01T00:00:00.000Z'],
        });
        expect(
          (await get(`${objectsUrl}indicator--00000000-0000-4000-8000-999999999999/`, producer)).statusCode,
        ).toBe(404);

        expect(
          (
            await f.request({
              method: 'DELETE',
              url: `${url}?match[version]=first`,
              token: await f.token('member'),
            })
          ).statusCode,
        ).toBe(403);
        expect(
          (await f.request({ method: 'DELETE', url: `${url}?match[version]=first`, token: producer }))
            .statusCode,
        ).toBe(200);
        expect((await get(`${url}versions/`, producer)).json().versions).toEqual([
          '2024-02-01T00:00:00.000Z',
        ]);
        expect((await f.request({ method: 'DELETE', url, token: producer })).statusCode).toBe(200);
        expect((await get(url, producer)).statusCode).toBe(404);
        expect((await f.request({ method: 'DELETE', url, token: producer })).statusCode).toBe(404);
        expect(ids((await get(objectsUrl, producer)).json())).toEqual([2]);
      });
    });

    describe('TLP 2.0 on every object served (issue 5: released per recipient organisation)', () => {
      const red = { ...indicator(5, 'red'), x_shieldwall_red_recipients: ['member'] };
      async function seed() {
        await postObjects(f, await f.token('producer'), [
          indicator(1, 'clear'),
          indicator(2, 'green'),
          indicator(3, 'amber'),
          indicator(4, 'amber+strict'),
          red,
          indicator(6, null),
        ]);
      }

      it('serves each organisation only what TLP lets it receive, never counting the rest', async () => {
        await seed();
        expect(ids((await get(objectsUrl, await f.token('producer'))).json())).toEqual([1, 2, 3, 4, 5, 6]);
        expect(ids((await get(objectsUrl, await f.token('member'))).json())).toEqual([1, 2, 5]);
        expect(ids((await get(objectsUrl, await f.token('client'))).json())).toEqual([1, 2, 3]);
        const manifest = (await get(`${root}/collections/col-1/manifest/`, await f.token('client'))).json();
        expect(manifest.objects.map((o: { id: string }) => Number(o.id.slice(-12)))).toEqual([1, 2, 3]);
        const redServed = (await get(`${objectsUrl}${red.id as string}/`, await f.token('member'))).json()
          .objects[0];
        expect(redServed.x_shieldwall_red_recipients).toBeUndefined();
      });

      it('answers a withheld object by id, its versions and its deletion exactly like a missing one (404)', async () => {
        await seed();
        const strict = indicator(4, 'amber+strict').id as string;
        for (const url of [`${objectsUrl}${strict}/`, `${objectsUrl}${strict}/versions/`]) {
          expect((await get(url, await f.token('member'))).statusCode).toBe(404);
        }
        // A write-only organisation may not delete at all; one that reads and writes gets 404 for what it cannot see.
        expect(
          (
            await f.request({
              method: 'DELETE',
              url: `${objectsUrl}${strict}/`,
              token: await f.token('writer'),
            })
          ).statusCode,
        ).toBe(403);
        await f.store
          .scoped({ kind: 'org', orgId: 'producer' })
          .intel.collections.create({
            id: 'col-2',
            orgId: 'producer',
            title: 'Both',
            readOrgs: ['member'],
            writeOrgs: ['member'],
          });
        await postObjects(f, await f.token('producer'), [indicator(4, 'amber+strict')], 'col-2');
        const url2 = `${root}/collections/col-2/objects/${strict}/`;
        expect(
          (await f.request({ method: 'DELETE', url: url2, token: await f.token('member') })).statusCode,
        ).toBe(404);
        expect(
          (await f.request({ method: 'DELETE', url: url2, token: await f.token('producer') })).statusCode,
        ).toBe(200);
      });

      it('pages over withheld objects: limit counts only what is served, next skips what was examined', async () => {
        const producer = await f.token('producer');
        await postObjects(f, producer, [
          indicator(1, 'amber+strict'),
          indicator(2, 'amber+strict'),
          indicator(3, 'green'),
          indicator(4, 'amber+strict'),
          indicator(5, 'green'),
          indicator(6, 'green'),
        ]);
        const member = await f.token('member');
        const first = (await get(`${objectsUrl}?limit=2`, member)).json();
        expect(ids(first)).toEqual([3, 5]);
        expect(first.more).toBe(true);
        const second = (await get(`${objectsUrl}?limit=2&next=${first.next as string}`, member)).json();
        expect(ids(second)).toEqual([6]);
        expect(second.more).toBe(false);
      });

      it('redacts the parts a granular marking withholds from the recipient', async () => {
        const object = {
          ...indicator(7, 'green'),
          description: 'source: our honeypot in Riga',
          granular_markings: [{ marking_ref: TLP_MARKING_IDS['amber+strict'], selectors: ['description'] }],
        };
        await postObjects(f, await f.token('producer'), [object]);
        const served = (await get(objectsUrl, await f.token('member'))).json().objects[0];
        expect(served.id).toBe(object.id);
        expect(served.description).toBeUndefined();
        expect((await get(objectsUrl, await f.token('producer'))).json().objects[0].description).toBe(
          'source: our honeypot in Riga',
        );
      });

      it('stores what a writer organisation posts as its own, released to others by its marking', async () => {
        const res = await postObjects(f, await f.token('writer'), [
          indicator(8, 'green'),
          indicator(9, 'amber+strict'),
        ]);
        expect(res.json().success_count).toBe(2);
        expect(ids((await get(objectsUrl, await f.token('member'))).json())).toEqual([8]);
        expect(ids((await get(objectsUrl, await f.token('producer'))).json())).toEqual([8]);
        const stored = await f.store
          .scoped({ kind: 'org', orgId: 'writer' })
          .intel.objects.get(indicator(9).id as string);
        expect(stored).toMatchObject({ orgId: 'writer', tlp: 'amber+strict' });
        expect(t0).toBe(f.clock.now());
      });
    });
  });
