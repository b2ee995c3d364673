import { describe, expect, it } from 'vitest';
import { stixObjectRecord } from '../stix-record.js';
import { as, authority, createOrgs, expectCode, type ConformanceContext } from './fixtures.js';
import { indicator } from './intel-object-cases.js';

const ms = 1_700_000_000_000;

/** TAXII collections (rights, strictly increasing date_added, filters) and status resources. */
export function taxiiCases(ctx: ConformanceContext): void {
  describe('taxii collections', () => {
    async function setup() {
      await createOrgs(ctx, 'org-a', 'org-b', 'org-c', 'org-d');
      return as(ctx, 'org-a').intel.collections.create({
        id: 'col-1', orgId: 'org-a', title: 'Shared', description: 'd', readOrgs: ['org-b'], writeOrgs: ['org-c'],
      });
    }

    it('shows a collection to its owner and grantees only, with their rights', async () => {
      const created = await setup();
      expect(created).toMatchObject({
        id: 'col-1', orgId: 'org-a', readOrgs: ['org-b'], writeOrgs: ['org-c'], canRead: true, canWrite: true, readRole: 'viewer',
        writeRole: 'analyst', mediaTypes: ['application/stix+json;version=2.1'], createdAt: ms,
      });
      expect(await as(ctx, 'org-a').intel.collections.get('col-1')).toEqual(created);
      expect(await as(ctx, 'org-b').intel.collections.get('col-1')).toMatchObject({ canRead: true, canWrite: false });
      expect(await as(ctx, 'org-c').intel.collections.get('col-1')).toMatchObject({ canRead: false, canWrite: true });
      expect(await as(ctx, 'org-d').intel.collections.get('col-1')).toBeNull();
      expect(await as(ctx, 'org-d').intel.collections.list()).toEqual([]);
      expect((await as(ctx, authority).intel.collections.list()).map((c) => c.id)).toEqual(['col-1']);
      await expectCode(as(ctx, 'org-b').intel.collections.create({ orgId: 'org-a', title: 'x' }), 'FORBIDDEN');
      await expectCode(as(ctx, 'org-a').intel.collections.create({ id: 'col-1', orgId: 'org-a', title: 'again' }), 'CONFLICT');
      await expectCode(as(ctx, 'org-a').intel.collections.create({ orgId: 'org-a', title: ' ' }), 'VALIDATION_FAILED');
      await expectCode(as(ctx, authority).intel.collections.create({ orgId: 'ghost', title: 'x' }), 'NOT_FOUND');
      expect((await as(ctx, 'org-a').intel.collections.create({ orgId: 'org-a', title: 'generated id' })).id).toMatch(/^gen-/);
    });

    it('gives every new entry a strictly increasing date_added, also within one millisecond', async () => {
      await setup();
      const cols = as(ctx, 'org-a').intel.collections;
      const first = await cols.addObjects('col-1', [indicator('org-a', 1), indicator('org-a', 2)]);
      const again = await cols.addObjects('col-1', [indicator('org-a', 3), indicator('org-a', 1)]);
      expect(first.map((r) => r.dateAddedUs)).toEqual([ms * 1000, ms * 1000 + 1]);
      expect(again).toEqual([
        { id: indicator('org-a', 3).id, modifiedUs: indicator('org-a', 3).modifiedUs, dateAddedUs: ms * 1000 + 2, added: true },
        { id: indicator('org-a', 1).id, modifiedUs: indicator('org-a', 1).modifiedUs, dateAddedUs: ms * 1000, added: false },
      ]);
      ctx.clock.advance(5);
      const later = await as(ctx, 'org-c').intel.collections.addObjects('col-1', [indicator('org-c', 4)]);
      expect(later[0]!.dateAddedUs).toBe((ms + 5) * 1000);
      ctx.clock.set(ms - 60_000);
      const skewed = await cols.addObjects('col-1', [indicator('org-a', 5)]);
      expect(skewed[0]!.dateAddedUs).toBe((ms + 5) * 1000 + 1);
    });

    it('keeps date_added unique and increasing under concurrent POSTs to one collection', async () => {
      await setup();
      const posts = Array.from({ length: 8 }, (_, p) =>
        as(ctx, 'org-a').intel.collections.addObjects('col-1', Array.from({ length: 20 }, (_, i) => indicator('org-a', p * 100 + i))),
      );
      const results = (await Promise.all(posts)).flat();
      const stamps = results.map((r) => r.dateAddedUs);
      expect(new Set(stamps).size).toBe(160);
      const { entries } = await as(ctx, 'org-a').intel.collections.entries('col-1', { limit: 1000 });
      expect(entries).toHaveLength(160);
      const order = entries.map((e) => e.dateAddedUs);
      expect(order).toEqual([...order].sort((x, y) => x - y));
    });

    it('pages exactly by date_added and filters by id, type, version and spec_version', async () => {
      await setup();
      const cols = as(ctx, 'org-a').intel.collections;
      const v1 = indicator('org-a', 1, '2024-01-01T00:00:00.000Z');
      const v2 = indicator('org-a', 1, '2024-02-01T00:00:00.000Z');
      const v3 = indicator('org-a', 1, '2024-03-01T00:00:00.000Z');
      const other = indicator('org-a', 2);
      const ip = stixObjectRecord({ type: 'ipv4-addr', spec_version: '2.1', id: 'ipv4-addr--00000000-0000-4000-8000-000000000001', value: '10.0.0.1' }, 'org-a');
      await cols.addObjects('col-1', [v2, other, v1, ip, v3]);
      const ids = (r: { entries: { record: { id: string; modifiedUs: number } }[] }) => r.entries.map((e) => `${e.record.id.split('--')[0]}@${e.record.modifiedUs}`);
      const page1 = await cols.entries('col-1', { limit: 2 });
      expect(page1.more).toBe(true);
      expect(ids(page1)).toEqual([`indicator@${other.modifiedUs}`, 'ipv4-addr@0']);
      const page2 = await cols.entries('col-1', { limit: 2, afterUs: page1.entries[1]!.dateAddedUs });
      expect(ids(page2)).toEqual([`indicator@${v3.modifiedUs}`]);
      expect(page2.more).toBe(false);
      expect(ids(await cols.entries('col-1', { limit: 10, versions: ['all'], ids: [v1.id] }))).toEqual(
        [v2, v1, v3].map((v) => `indicator@${v.modifiedUs}`),
      );
      expect(ids(await cols.entries('col-1', { limit: 10, versions: ['first'], ids: [v1.id] }))).toEqual([`indicator@${v1.modifiedUs}`]);
      expect(ids(await cols.entries('col-1', { limit: 10, versions: ['first', 'last'], ids: [v1.id] }))).toEqual(
        [v1, v3].map((v) => `indicator@${v.modifiedUs}`),
      );
      expect(ids(await cols.entries('col-1', { limit: 10, versions: [v2.modifiedUs] }))).toEqual([`indicator@${v2.modifiedUs}`]);
      expect(ids(await cols.entries('col-1', { limit: 10, types: ['ipv4-addr'] }))).toEqual(['ipv4-addr@0']);
      expect(await cols.entries('col-1', { limit: 10, specVersions: ['2.0'] })).toEqual({ entries: [], more: false });
      expect((await cols.entries('col-1', { limit: 10, afterUs: Number.MAX_SAFE_INTEGER })).entries).toEqual([]);
      await expectCode(cols.entries('col-1', { limit: 0 }), 'VALIDATION_FAILED');
    });

    it('enforces read and write rights, and hides collections from strangers', async () => {
      await setup();
      await as(ctx, 'org-a').intel.collections.addObjects('col-1', [indicator('org-a', 1)]);
      expect((await as(ctx, 'org-b').intel.collections.entries('col-1', { limit: 10 })).entries).toHaveLength(1);
      await expectCode(as(ctx, 'org-b').intel.collections.addObjects('col-1', [indicator('org-b', 2)]), 'FORBIDDEN');
      await expectCode(as(ctx, 'org-c').intel.collections.entries('col-1', { limit: 10 }), 'FORBIDDEN');
      await expectCode(as(ctx, 'org-d').intel.collections.entries('col-1', { limit: 10 }), 'NOT_FOUND');
      await expectCode(as(ctx, 'org-d').intel.collections.addObjects('col-1', [indicator('org-d', 3)]), 'NOT_FOUND');
      await expectCode(as(ctx, 'org-c').intel.collections.addObjects('col-1', [indicator('org-a', 4)]), 'FORBIDDEN');
      expect((await as(ctx, authority).intel.collections.entries('col-1', { limit: 10 })).entries).toHaveLength(1);
    });

    it('keeps the latest version per object across requests, older versions added later and removals', async () => {
      await setup();
      const cols = as(ctx, 'org-a').intel.collections;
      const [v1, v2, v3] = ['2024-01-01', '2024-02-01', '2024-03-01'].map((d) => indicator('org-a', 1, `${d}T00:00:00.000Z`));
      const latest = async () => (await cols.entries('col-1', { limit: 10 })).entries.map((e) => e.record.modifiedUs);
      await cols.addObjects('col-1', [v2!]);
      await cols.addObjects('col-1', [v1!]);
      expect(await latest()).toEqual([v2!.modifiedUs]);
      await cols.addObjects('col-1', [v3!]);
      expect(await latest()).toEqual([v3!.modifiedUs]);
      expect(await cols.removeObject('col-1', v1!.id, { versions: ['last'] })).toBe(1);
      expect(await latest()).toEqual([v2!.modifiedUs]);
    });

    it('removes versions of an object from a collection and keeps the stored object', async () => {
      await setup();
      const cols = as(ctx, 'org-a').intel.collections;
      const v1 = indicator('org-a', 1, '2024-01-01T00:00:00.000Z');
      const v2 = indicator('org-a', 1, '2024-02-01T00:00:00.000Z');
      await cols.addObjects('col-1', [v1, v2, indicator('org-a', 2)]);
      expect(await cols.removeObject('col-1', v1.id, { versions: ['first'] })).toBe(1);
      expect((await cols.entries('col-1', { limit: 10, versions: ['all'], ids: [v1.id] })).entries.map((e) => e.record.modifiedUs)).toEqual([v2.modifiedUs]);
      expect(await cols.removeObject('col-1', v1.id, { versions: ['all'] })).toBe(1);
      expect(await cols.removeObject('col-1', v1.id)).toBe(0);
      expect(await as(ctx, 'org-a').intel.objects.get(v1.id)).toEqual(v2);
      await expectCode(as(ctx, 'org-b').intel.collections.removeObject('col-1', indicator('org-a', 2).id), 'FORBIDDEN');
    });
  });

  describe('taxii statuses', () => {
    it('stores a status resource that only the posting organisation can read', async () => {
      await createOrgs(ctx, 'org-a', 'org-b');
      const status = {
        id: 'st-1', orgId: 'org-a', collectionId: 'col-1', status: 'complete' as const, requestTimestamp: ms, totalCount: 2,
        successCount: 1, failureCount: 1, pendingCount: 0, successes: [{ id: 'indicator--1', version: '2024-01-01T00:00:00.000Z' }],
        failures: [{ id: 'bad--1', version: '', message: 'type: unknown' }], pendings: [],
      };
      expect(await as(ctx, 'org-a').intel.statuses.create(status)).toEqual(status);
      expect(await as(ctx, 'org-a').intel.statuses.get('st-1')).toEqual(status);
      expect(await as(ctx, 'org-b').intel.statuses.get('st-1')).toBeNull();
      await expectCode(as(ctx, 'org-b').intel.statuses.create({ ...status, id: 'st-2' }), 'FORBIDDEN');
      await expectCode(as(ctx, 'org-a').intel.statuses.create(status), 'CONFLICT');
    });
  });
}
