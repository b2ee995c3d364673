import { describe, expect, it } from 'vitest';
import type { StixObjectRecord } from '../intel-store.js';
import { stixObjectRecord } from '../stix-record.js';
import { as, authority, createOrgs, expectCode, type ConformanceContext } from './fixtures.js';

/** A STIX indicator of `orgId`, version `modified` (ISO). */
export function indicator(orgId: string, n: number, modified = '2024-01-01T00:00:00.000Z', extra: Record<string, unknown> = {}): StixObjectRecord {
  const id = `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return stixObjectRecord(
    {
      type: 'indicator', spec_version: '2.1', id, created: '2024-01-01T00:00:00.000Z', modified,
      pattern: `[ipv4-addr:value = '10.0.0.${n % 250}']`, pattern_type: 'stix', valid_from: '2024-01-01T00:00:00Z', ...extra,
    },
    orgId,
  );
}

/** STIX object versions and the indicator value index. */
export function intelObjectCases(ctx: ConformanceContext): void {
  describe('intel objects', () => {
    it('stores versions once, returns the latest or a given one, and keeps the JSON text exactly', async () => {
      await createOrgs(ctx, 'org-a');
      const a = as(ctx, 'org-a').intel.objects;
      const v1 = indicator('org-a', 1);
      const v2 = indicator('org-a', 1, '2024-02-01T00:00:00.123456Z');
      expect(await a.put([v1, v2, v1])).toBe(2);
      expect(await a.put([v2])).toBe(0);
      expect(await a.get(v1.id)).toEqual(v2);
      expect((await a.get(v1.id))?.modifiedUs).toBe(Date.UTC(2024, 1, 1) * 1000 + 123456);
      expect(await a.get(v1.id, v1.modifiedUs)).toEqual(v1);
      expect(await a.get(v1.id, 42)).toBeNull();
      expect((await a.versions(v1.id)).map((r) => r.modifiedUs)).toEqual([v1.modifiedUs, v2.modifiedUs]);
      expect(JSON.parse((await a.get(v1.id))!.json)).toMatchObject({ modified: '2024-02-01T00:00:00.123456Z' });
      expect(await a.delete(v1.id)).toBe(2);
      expect(await a.get(v1.id)).toBeNull();
    });

    it('lists latest versions by type with keyset pages, revoked ones only on request', async () => {
      await createOrgs(ctx, 'org-a');
      const a = as(ctx, 'org-a').intel.objects;
      await a.put([1, 2, 3, 4, 5].map((n) => indicator('org-a', n)));
      await a.put([indicator('org-a', 2, '2024-03-01T00:00:00.000Z', { revoked: true })]);
      await a.put([stixObjectRecord({ type: 'ipv4-addr', id: 'ipv4-addr--00000000-0000-4000-8000-000000000001', value: '10.0.0.1' }, 'org-a')]);
      const first = await a.list({ type: 'indicator', limit: 2 });
      expect(first.items.map((r) => r.id.slice(-1))).toEqual(['1', '3']);
      const second = await a.list({ type: 'indicator', limit: 2, cursor: first.next });
      expect(second.items.map((r) => r.id.slice(-1))).toEqual(['4', '5']);
      expect(second.next).toBeNull();
      const all = await a.list({ type: 'indicator', includeRevoked: true });
      expect(all.items.filter((r) => r.revoked).map((r) => r.id.slice(-1))).toEqual(['2']);
      const sco = (await a.list({ type: 'ipv4-addr' })).items;
      expect(sco).toHaveLength(1);
      expect(sco[0]).toMatchObject({ modifiedUs: 0, createdUs: null, specVersion: '2.1' });
      await expectCode(a.list({ cursor: 'garbage' }), 'VALIDATION_FAILED');
    });

    it("keeps each organisation's copy of the same object apart and refuses writes for another", async () => {
      await createOrgs(ctx, 'org-a', 'org-b');
      await as(ctx, 'org-a').intel.objects.put([indicator('org-a', 7)]);
      expect(await as(ctx, 'org-b').intel.objects.get(indicator('org-a', 7).id)).toBeNull();
      expect(await as(ctx, 'org-b').intel.objects.put([indicator('org-b', 7)])).toBe(1);
      expect((await as(ctx, 'org-b').intel.objects.get(indicator('org-b', 7).id))?.orgId).toBe('org-b');
      await expectCode(as(ctx, 'org-a').intel.objects.put([indicator('org-b', 8)]), 'FORBIDDEN');
      expect((await as(ctx, authority).intel.objects.versions(indicator('org-a', 7).id)).map((r) => r.orgId)).toEqual(['org-a', 'org-b']);
    });
  });

  describe('indicator value index', () => {
    it('finds indicators by value and type, replaces values, and stays within the organisation', async () => {
      await createOrgs(ctx, 'org-a', 'org-b');
      const a = as(ctx, 'org-a').intel.indicatorValues;
      await a.replace([
        { orgId: 'org-a', indicatorId: 'indicator--1', values: [{ type: 'ipv4-addr', value: '10.0.0.1' }, { type: 'domain-name', value: 'evil.example' }] },
        { orgId: 'org-a', indicatorId: 'indicator--2', values: [{ type: 'ipv4-addr', value: '10.0.0.1' }, { type: 'ipv4-addr', value: '10.0.0.1' }] },
      ]);
      await as(ctx, 'org-b').intel.indicatorValues.replace([{ orgId: 'org-b', indicatorId: 'indicator--9', values: [{ type: 'ipv4-addr', value: '10.0.0.1' }] }]);
      expect((await a.find({ value: '10.0.0.1' })).map((v) => v.indicatorId)).toEqual(['indicator--1', 'indicator--2']);
      expect(await a.find({ value: 'evil.example', type: 'ipv4-addr' })).toEqual([]);
      expect(await a.find({ value: 'evil.example', type: 'domain-name' })).toEqual([
        { orgId: 'org-a', indicatorId: 'indicator--1', type: 'domain-name', value: 'evil.example' },
      ]);
      expect(await a.find({ value: '10.0.0.1', limit: 1 })).toHaveLength(1);
      await a.replace([{ orgId: 'org-a', indicatorId: 'indicator--1', values: [{ type: 'url', value: 'http://x.example/' }] }]);
      expect((await a.valuesOf('indicator--1')).map((v) => v.value)).toEqual(['http://x.example/']);
      await a.replace([{ orgId: 'org-a', indicatorId: 'indicator--2', values: [] }]);
      expect(await a.find({ value: '10.0.0.1' })).toEqual([]);
      expect((await as(ctx, authority).intel.indicatorValues.find({ value: '10.0.0.1' })).map((v) => v.orgId)).toEqual(['org-b']);
      await expectCode(a.replace([{ orgId: 'org-b', indicatorId: 'x', values: [] }]), 'FORBIDDEN');
    });
  });
}
