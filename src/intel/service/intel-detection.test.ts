import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/index.js';
import { parseEve } from '../../ingest/parsers/index.js';
import { authorityAuditChain, createStore, orgScope, type Store } from '../../store/index.js';
import { ManualClock } from '../../shared/clock.js';
import { randomIds } from '../../shared/ids.js';
import { IntelService } from '../intel-service.js';
import { organisationIdentityId } from '../stix/index.js';
import { validateStixObject } from '../stix/node.js';
import { IndicatorBroadcast, type IndicatorUpdate } from './indicator-broadcast.js';
import type { IndicatorEvent } from '../match/index.js';
import { IntelDetection, type IntelAlertedEvent } from './intel-detection.js';
import { IntelMatcher } from './intel-matcher.js';
import { sightingIdFor } from './sighting-recorder.js';
import { buildSimpleIndicator } from './simple-indicator.js';
import { SightingThreshold } from './sighting-threshold.js';

const eveFile = path.resolve(import.meta.dirname, '../../../../shared/testdata/suricata/suricata-verify/alert-testmyids/eve.json');

/** The real Suricata alert of testmyids.com: 82.165.177.154 answers `uid=0(root)` to 10.16.1.11 (curl/7.43.0). */
type TestEvent = IntelAlertedEvent & IndicatorEvent;

function realEvents(prefix: string): TestEvent[] {
  return readFileSync(eveFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      const parsed = parseEve(line);
      if (!parsed.ok) throw new Error(`eve line ${i + 1}: ${JSON.stringify(parsed)}`);
      return { id: `${prefix}-${i}`, time: parsed.value.time, source: 'file', sourceFormat: 'eve', raw: parsed.value.raw, ecs: parsed.value.ecs };
    });
}

describe('IntelDetection', () => {
  let store: Store;
  let bus: MemoryBus;
  let broadcast: IndicatorBroadcast;
  let intel: IntelService;
  let detection: IntelDetection | undefined;
  let matcher: IntelMatcher;
  /** What the detection engine does per batch: match in its thread, then the stage records. */
  const detect = (orgId: string, events: TestEvent[]) =>
    detection!.record(orgId, events.flatMap((event) => matcher.match(orgId, event).map((hit) => ({ event, hit }))));
  const clock = new ManualClock(Date.parse('2026-11-26T01:00:00Z'));
  const ctx = { clock, ids: randomIds };

  beforeEach(async () => {
    store = await createStore(':memory:');
    await store.migrate();
    for (const [id, parentId] of [['producer', null], ['member', null], ['client', 'producer']] as const) {
      await store.scoped(orgScope(id)).organisations.create({ id, name: id, parentId });
    }
    bus = new MemoryBus();
    broadcast = new IndicatorBroadcast(bus, 'det');
    await broadcast.start();
    intel = new IntelService({ store, clock, ids: randomIds, broadcast });
    matcher = new IntelMatcher(clock);
  });
  afterEach(async () => {
    await detection?.stop();
    await bus.close();
    await store.close();
  });

  async function importAs(orgId: string, ...objects: Record<string, unknown>[]) {
    const r = await intel.importObjects(orgScope(orgId), objects, { source: 'test' });
    expect(r.rejected).toEqual([]);
  }

  it('matches real events only against indicators the organisation may receive, stores alerts once and a valid sighting', async () => {
    const green = buildSimpleIndicator({ orgId: 'producer', type: 'ipv4-addr', value: '82.165.177.154', tlp: 'green', name: 'testmyids server' }, ctx);
    const amber = buildSimpleIndicator({ orgId: 'producer', type: 'user-agent', value: 'curl/7.43.0', tlp: 'amber' }, ctx);
    await importAs('producer', green as never, amber as never);
    detection = new IntelDetection({ store, clock, ids: randomIds });
    await detection.start();
    expect(await detection.attach(matcher)).toBe(2);
    expect(matcher.size()).toBe(2);

    const events = realEvents('m');
    const stored = await detect('member', events);
    expect(stored).toBeGreaterThan(0);
    const alerts = (await store.scoped(orgScope('member')).alerts.query({ limit: 1000 })).items;
    expect(new Set(alerts.map((a) => a.ruleId))).toEqual(new Set([green.id]));
    expect(alerts[0]).toMatchObject({ ruleTitle: 'testmyids server', author: 'producer', data: { kind: 'intel', indicator: { id: green.id, producer: 'producer' } } });
    expect((alerts[0]!.data.matched as { value: string }).value).toBe('82.165.177.154');

    // A redelivered batch stores nothing twice and leaves the sighting count alone.
    expect(await detect('member', events)).toBe(0);
    const sighting = await store.scoped(orgScope('member')).intel.objects.get(sightingIdFor('member', green.id));
    const s = JSON.parse(sighting!.json) as Record<string, unknown>;
    expect(validateStixObject(s)).toEqual({ ok: true });
    expect(s).toMatchObject({ type: 'sighting', sighting_of_ref: green.id, where_sighted_refs: [organisationIdentityId('member')], count: stored });

    // The producer's client receives AMBER: both indicators match its copy of the events.
    await detect('client', realEvents('c'));
    const clientAlerts = (await store.scoped(orgScope('client')).alerts.query({ limit: 1000 })).items;
    expect(new Set(clientAlerts.map((a) => a.ruleId))).toEqual(new Set([green.id, amber.id]));
  });

  it('adds an indicator imported after start once its update is forwarded, and drops a revoked one', async () => {
    const updates: { update: IndicatorUpdate; latencyMs: number }[] = [];
    detection = new IntelDetection({ store, clock, ids: randomIds, broadcast, onUpdate: (update, latencyMs) => updates.push({ update, latencyMs }) });
    await detection.start();
    await detection.attach(matcher);
    expect(await detect('member', realEvents('before'))).toBe(0);
    const ind = buildSimpleIndicator({ orgId: 'producer', type: 'domain-name', value: 'www.testmyids.com', tlp: 'green' }, ctx);
    await importAs('producer', ind as never);
    await detection.settled();
    expect(updates.map((u) => u.update.reason)).toEqual(['import']);
    expect(updates[0]!.latencyMs).toBe(0);
    expect(await detect('member', realEvents('after'))).toBeGreaterThan(0);

    const revoked = { ...ind, revoked: true, modified: '2026-11-26T02:00:00.000Z' };
    await importAs('producer', revoked);
    await detection.settled();
    expect(matcher.size()).toBe(0);
    expect(await detect('member', realEvents('revoked'))).toBe(0);
  });

  it('after a restart, a revoked indicator blocks an older version still in flight; the organisation graph is read without authority audit entries', async () => {
    const v1 = buildSimpleIndicator({ orgId: 'producer', type: 'ipv4-addr', value: '82.165.177.154', tlp: 'green' }, ctx) as unknown as Record<string, unknown>;
    await importAs('producer', v1, { ...v1, revoked: true, modified: '2026-11-26T02:00:00.000Z' });
    const authorityAudit = store.scoped(orgScope(authorityAuditChain)).audit;
    const auditedBefore = (await authorityAudit.list()).length;
    detection = new IntelDetection({ store, clock, ids: randomIds, broadcast });
    await detection.start();
    expect(await detection.attach(matcher)).toBe(0);
    // E.g. a confirmation of v1 published by another process just before the revocation.
    await broadcast.publish({ reason: 'confirm', add: [{ producerOrgId: 'producer', object: v1 }], remove: [], confirmedBy: 'member', at: clock.now() });
    await detection.settled();
    expect(matcher.size()).toBe(0);
    expect(await detect('member', realEvents('late'))).toBe(0);
    // attach and the update each read the organisation graph: neither may grow the authority chain.
    expect(await authorityAudit.list()).toHaveLength(auditedBefore);
  });

  it('confirms an indicator once its sightings reach the threshold within the window, and publishes it', async () => {
    const ind = buildSimpleIndicator({ orgId: 'producer', type: 'ipv4-addr', value: '82.165.177.154', tlp: 'clear' }, ctx);
    await importAs('producer', ind as never);
    const published: IndicatorUpdate[] = [];
    await broadcast.subscribe((u) => published.push(u));
    const threshold = new SightingThreshold({ threshold: 3, windowMs: 60_000, clock });
    detection = new IntelDetection({ store, clock, ids: randomIds, broadcast, threshold });
    await detection.start();
    await detection.attach(matcher);
    const one = realEvents('t').filter((e) => (e.ecs as Record<string, unknown>)['source.ip'] === '82.165.177.154').slice(0, 1);
    expect(one).toHaveLength(1);
    for (let i = 0; i < 2; i++) await detect('member', [{ ...one[0]!, id: `t-${i}` }]);
    expect(published.filter((u) => u.reason === 'sightings')).toEqual([]);
    clock.advance(1000);
    await detect('member', [{ ...one[0]!, id: 't-2' }]);
    expect(published.filter((u) => u.reason === 'sightings')).toMatchObject([{ confirmedBy: 'member', add: [{ producerOrgId: 'producer', object: { id: ind.id } }] }]);
    const s = await store.scoped(orgScope('member')).intel.objects.get(sightingIdFor('member', ind.id));
    expect(JSON.parse(s!.json)).toMatchObject({ count: 3 });
  });
});
