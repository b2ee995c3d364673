import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/index.js';
import { createStore, orgScope, type Store } from '../store/index.js';
import { ManualClock } from '../shared/clock.js';
import { randomIds } from '../shared/ids.js';
import { IntelService } from './intel-service.js';
import { IndicatorBroadcast, type IndicatorUpdate } from './service/indicator-broadcast.js';
import { buildSimpleIndicator } from './service/simple-indicator.js';
import { validateStixObject } from './stix/node.js';
import { TLP_MARKING_IDS } from './tlp/index.js';

const examples = path.resolve(import.meta.dirname, '../../../shared/content/stix/examples');
const bundle = (file: string) => JSON.parse(readFileSync(path.join(examples, file), 'utf8')) as { objects: Record<string, unknown>[] };

describe('IntelService', () => {
  let store: Store;
  let bus: MemoryBus;
  let intel: IntelService;
  let published: IndicatorUpdate[];
  const clock = new ManualClock(Date.parse('2026-11-26T01:00:00Z'));
  const ctx = { clock, ids: randomIds };

  beforeEach(async () => {
    store = await createStore(':memory:');
    await store.migrate();
    for (const [id, parentId] of [['member-a', null], ['member-b', null], ['client-a', 'member-a']] as const) {
      await store.scoped(orgScope(id)).organisations.create({ id, name: id, parentId });
    }
    bus = new MemoryBus();
    const broadcast = new IndicatorBroadcast(bus, 'svc');
    await broadcast.start();
    published = [];
    await broadcast.subscribe((u) => published.push(u));
    intel = new IntelService({ store, clock, ids: randomIds, broadcast });
  });
  afterEach(async () => {
    await bus.close();
    await store.close();
  });

  const simple = (type: 'ipv4-addr' | 'domain-name', value: string, tlp: 'clear' | 'green' | 'amber' | 'amber+strict' | 'red', orgId = 'member-a') =>
    buildSimpleIndicator({ orgId, type, value, tlp }, ctx) as unknown as Record<string, unknown>;

  it('imports the OASIS APT1 report: every object accepted, indicators indexed by value and announced', async () => {
    const objects = bundle('threat-reports/apt1.json').objects;
    const result = await intel.importObjects(orgScope('member-a'), objects, { source: 'apt1.json' });
    expect(result.rejected).toEqual([]);
    expect(result.accepted).toHaveLength(objects.length);
    expect(result.accepted.every((a) => a.outcome === 'new')).toBe(true);
    const found = await intel.searchIndicators(orgScope('member-a'), { value: 'hugesoft.org' });
    expect(found.items.map((i) => i.pattern)).toEqual(["[domain-name:value = 'hugesoft.org']"]);
    expect(found.items[0]!.producer).toBe('member-a');
    const indicators = objects.filter((o) => o.type === 'indicator').length;
    expect(published.flatMap((u) => u.add)).toHaveLength(indicators);
  });

  it('rejects an invalid object with its property and reason, and still stores the valid ones', async () => {
    const good = simple('ipv4-addr', '198.51.100.7', 'green');
    const badPattern = { ...simple('ipv4-addr', '198.51.100.8', 'green'), pattern_type: undefined };
    const noId = { type: 'indicator', spec_version: '2.1' };
    const badGrammar = { ...simple('ipv4-addr', '198.51.100.9', 'green'), pattern: "[ipv4-addr:value = '198.51.100.9'" };
    const result = await intel.importObjects(orgScope('member-a'), [badPattern, good, noId, 'text', badGrammar], { source: 'test' });
    expect(result.accepted.map((a) => a.index)).toEqual([1]);
    expect(result.rejected.map((r) => r.index)).toEqual([0, 2, 3, 4]);
    expect(result.rejected[3]).toMatchObject({ property: '/pattern', reason: expect.stringMatching(/line 1, column/) });
    for (const r of result.rejected) expect(r.reason.length).toBeGreaterThan(0);
    expect(result.rejected[0]!.id).toBe((badPattern as Record<string, unknown>).id);
    expect((await intel.searchIndicators(orgScope('member-a'), { value: '198.51.100.7' })).items).toHaveLength(1);
    expect((await intel.searchIndicators(orgScope('member-a'), { value: '198.51.100.8' })).items).toHaveLength(0);
  });

  it('versions by modified: an older version arriving late never replaces the current one; revocation withdraws', async () => {
    const v1 = simple('domain-name', 'old.example', 'green');
    const v2 = { ...v1, pattern: "[domain-name:value = 'new.example']", modified: '2026-11-26T02:00:00.000Z' };
    const a = orgScope('member-a');
    expect((await intel.importObjects(a, [v2], { source: 't' })).accepted[0]!.outcome).toBe('new');
    expect((await intel.importObjects(a, [v1], { source: 't' })).accepted[0]!.outcome).toBe('older');
    expect((await intel.importObjects(a, [v2], { source: 't' })).accepted[0]!.outcome).toBe('duplicate');
    expect((await intel.searchIndicators(a, { value: 'new.example' })).items).toHaveLength(1);
    expect((await intel.searchIndicators(a, { value: 'old.example' })).items).toHaveLength(0);
    const revoked = { ...v2, revoked: true, modified: '2026-11-26T03:00:00.000Z' };
    published.length = 0;
    expect((await intel.importObjects(a, [revoked], { source: 't' })).accepted[0]!.outcome).toBe('newer');
    expect((await intel.searchIndicators(a, { value: 'new.example' })).items).toHaveLength(0);
    // The revocation travels as the object with its `modified`, so receivers can keep a tombstone.
    expect(published.flatMap((u) => u.add).map((a) => [a.object.id, a.object.revoked, a.object.modified])).toEqual([[v1.id, true, revoked.modified]]);
    expect(published.flatMap((u) => u.remove)).toEqual([]);
  });

  it('shows other organisations only what TLP releases to the caller', async () => {
    const ips = { clear: '203.0.113.1', green: '203.0.113.2', amber: '203.0.113.3', strict: '203.0.113.4', red: '203.0.113.5' };
    await intel.importObjects(
      orgScope('member-a'),
      [
        simple('ipv4-addr', ips.clear, 'clear'), simple('ipv4-addr', ips.green, 'green'), simple('ipv4-addr', ips.amber, 'amber'),
        simple('ipv4-addr', ips.strict, 'amber+strict'), simple('ipv4-addr', ips.red, 'red'),
      ],
      { source: 't' },
    );
    const sees = async (org: string) => {
      const seen: string[] = [];
      for (const [level, ip] of Object.entries(ips)) if ((await intel.searchIndicators(orgScope(org), { value: ip })).items.length) seen.push(level);
      return seen;
    };
    expect(await sees('member-a')).toEqual(['clear', 'green', 'amber', 'strict', 'red']);
    expect(await sees('client-a')).toEqual(['clear', 'green', 'amber']);
    expect(await sees('member-b')).toEqual(['clear', 'green']);
    const listed = await intel.searchIndicators(orgScope('member-b'), { limit: 1 });
    expect(listed.items).toHaveLength(1);
    const rest = await intel.searchIndicators(orgScope('member-b'), { limit: 10, cursor: listed.next });
    expect([...listed.items, ...rest.items].map((i) => i.values[0]!.value).sort()).toEqual([ips.clear, ips.green]);
    expect(rest.next).toBeNull();
  });

  it('exports STIX, MISP and CSV with TLP applied for the recipient; every exported object validates', async () => {
    await intel.importObjects(
      orgScope('member-a'),
      [simple('ipv4-addr', '192.0.2.1', 'clear'), simple('domain-name', 'evil.example', 'amber'), simple('ipv4-addr', '192.0.2.9', 'red')],
      { source: 't' },
    );
    const pub = await intel.exportObjects(orgScope('member-a'), { kind: 'public' }, 'stix');
    const b = JSON.parse(pub.body) as { type: string; objects: Record<string, unknown>[] };
    expect(b.type).toBe('bundle');
    expect(b.objects.filter((o) => o.type === 'indicator').map((o) => o.pattern)).toEqual(["[ipv4-addr:value = '192.0.2.1']"]);
    // The TLP 2.0 definition it references travels with it (STIX 2.1 predefines only TLP 1.0's).
    expect(b.objects.filter((o) => o.type === 'marking-definition').map((o) => o.id)).toEqual([TLP_MARKING_IDS.clear]);
    for (const o of b.objects) expect(validateStixObject(o)).toEqual({ ok: true });
    expect(pub.withheld).toBe(2);

    const csv = (await intel.exportObjects(orgScope('member-a'), { kind: 'org', orgId: 'client-a' }, 'csv')).body.trim().split('\r\n');
    expect(csv[0]).toBe('type,value,indicator_id,name,valid_from,valid_until,tlp,producer');
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 2).join(',')).sort()).toEqual(['domain-name,evil.example', 'ipv4-addr,192.0.2.1']);

    const misp = JSON.parse((await intel.exportObjects(orgScope('member-a'), { kind: 'org', orgId: 'member-b' }, 'misp')).body) as {
      Event: { Attribute: { type: string; value: string; to_ids: boolean; Tag?: { name: string }[] }[]; Tag: { name: string }[] };
    };
    expect(misp.Event.Attribute).toMatchObject([{ type: 'ip-dst', value: '192.0.2.1', to_ids: true, Tag: [{ name: 'tlp:clear' }] }]);
  });

  describe('granular markings on every path out', () => {
    const secret = 'Operation Nightjar: source is our honeypot at 10.9.8.7';
    /** GREEN as a whole; its name and description are RED for everyone but `client-a` (named). */
    const greenWithRedDescription = () => {
      const base = simple('domain-name', 'nightjar.example', 'green');
      return {
        ...base,
        id: String(base.id),
        name: `${secret} (name)`,
        description: secret,
        granular_markings: [{ marking_ref: TLP_MARKING_IDS.red, selectors: ['description', 'name'] }],
        x_shieldwall_red_recipients: ['client-a'],
      };
    };
    const a = orgScope('member-a');

    it('search by value and listing: another member gets the indicator without the RED parts; the named recipient and the producer get them', async () => {
      const indicator = greenWithRedDescription();
      expect((await intel.importObjects(a, [indicator], { source: 't' })).rejected).toEqual([]);
      for (const q of [{ value: 'nightjar.example' }, {}]) {
        const other = await intel.searchIndicators(orgScope('member-b'), q);
        expect(other.items.map((i) => i.id)).toEqual([indicator.id]);
        expect(other.items[0]!.name).toBeNull();
        expect(other.items[0]!.object.description).toBeUndefined();
        expect(other.items[0]!.object.x_shieldwall_red_recipients).toBeUndefined();
        expect(JSON.stringify(other)).not.toContain('Nightjar');
        expect(validateStixObject(other.items[0]!.object)).toEqual({ ok: true });

        const named = await intel.searchIndicators(orgScope('client-a'), q);
        expect(named.items[0]!.object.description).toBe(secret);
        expect(named.items[0]!.name).toBe(`${secret} (name)`);
        expect((await intel.searchIndicators(a, q)).items[0]!.object).toEqual(indicator);
      }
    });

    it('export in all three formats: the RED parts reach only the named recipient; the bundle carries GREEN and RED definitions', async () => {
      await intel.importObjects(a, [greenWithRedDescription()], { source: 't' });
      for (const format of ['stix', 'misp', 'csv'] as const) {
        const other = await intel.exportObjects(a, { kind: 'org', orgId: 'member-b' }, format);
        expect(other.count, format).toBe(1);
        expect(other.body, format).not.toContain('Nightjar');
        expect(other.body, format).toContain('nightjar.example');
      }
      const definitions = async (orgId: string) => {
        const b = JSON.parse((await intel.exportObjects(a, { kind: 'org', orgId }, 'stix')).body) as { objects: Record<string, unknown>[] };
        for (const o of b.objects) expect(validateStixObject(o)).toEqual({ ok: true });
        return { text: JSON.stringify(b), ids: b.objects.filter((o) => o.type === 'marking-definition').map((o) => o.id).sort() };
      };
      const named = await definitions('client-a');
      expect(named.text).toContain(secret);
      expect(named.ids).toEqual([TLP_MARKING_IDS.green, TLP_MARKING_IDS.red].sort());
      // The redacted copy lost its granular RED marking with the content it selected: only GREEN is referenced.
      expect((await definitions('member-b')).ids).toEqual([TLP_MARKING_IDS.green]);
    });

    it('confirmation answers no RED part, and publishes the stored object for the matchers to release per organisation', async () => {
      const indicator = greenWithRedDescription();
      await intel.importObjects(a, [indicator], { source: 't' });
      published.length = 0;
      const confirmed = await intel.confirmIndicator(orgScope('member-b'), indicator.id, 'analyst-b');
      expect(JSON.stringify(confirmed)).not.toContain('Nightjar');
      expect(published.flatMap((u) => u.add)).toEqual([{ producerOrgId: 'member-a', object: indicator }]);
    });
  });

  it('confirms an indicator the caller may see and publishes it; one it may not see does not exist', async () => {
    const amber = simple('domain-name', 'c2.example', 'amber');
    await intel.importObjects(orgScope('member-a'), [amber], { source: 't' });
    published.length = 0;
    const confirmed = await intel.confirmIndicator(orgScope('client-a'), amber.id as string, 'token:t1');
    expect(confirmed).toMatchObject({ id: amber.id, producer: 'member-a', confirmedAt: clock.now(), published: true });
    expect(published).toMatchObject([{ reason: 'confirm', confirmedBy: 'client-a', add: [{ producerOrgId: 'member-a', object: { id: amber.id } }] }]);
    await expect(intel.confirmIndicator(orgScope('member-b'), amber.id as string, 'token:t2')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const audit = await store.scoped(orgScope('client-a')).audit.list();
    expect(audit.map((e) => e.action)).toContain('intel.indicator.confirm');
  });

  it('builds a valid STIX indicator from the convenience form and refuses a malformed value', () => {
    const ind = buildSimpleIndicator({ orgId: 'member-a', type: 'ipv4-addr', value: '10.0.0.0/8', tlp: 'green' }, ctx);
    expect(validateStixObject(ind)).toEqual({ ok: true });
    expect(ind.object_marking_refs).toEqual([TLP_MARKING_IDS.green]);
    expect(() => buildSimpleIndicator({ orgId: 'member-a', type: 'ipv4-addr', value: '10.0.0.300' }, ctx)).toThrow(/not a valid ipv4-addr/);
    expect(() => buildSimpleIndicator({ orgId: 'member-a', type: 'sha256', value: 'abc' }, ctx)).toThrow(/not a valid sha256/);
  });
});
