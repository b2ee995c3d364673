import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/index.js';
import { issueApiToken } from '../../governance/index.js';
import { buildSimpleIndicator, IndicatorBroadcast, IntelService, type IndicatorUpdate } from '../../intel/index.js';
import { TLP_MARKING_IDS } from '../../intel/tlp/index.js';
import { createStore, orgScope, type Store } from '../../store/index.js';
import { ManualClock } from '../../shared/clock.js';
import { randomIds } from '../../shared/ids.js';
import { bootstrapAuthority } from '../bootstrap.js';
import { buildServer } from '../build-server.js';
import { indicatorRoutes } from './indicator-routes.js';

const http = { host: '127.0.0.1', port: 0, bodyLimit: 1024 * 1024, shutdownGraceMs: 1000 };
const apt1 = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../../shared/content/stix/examples/threat-reports/apt1.json'), 'utf8')) as {
  objects: Record<string, unknown>[];
};

describe('indicator API', () => {
  let store: Store;
  let bus: MemoryBus;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};
  const published: IndicatorUpdate[] = [];
  const clock = new ManualClock(Date.parse('2026-11-26T01:00:00Z'));

  beforeEach(async () => {
    store = await createStore(':memory:');
    await store.migrate();
    bus = new MemoryBus();
    await bootstrapAuthority(store, clock);
    for (const [id, parentId] of [['member-a', null], ['member-b', null]] as const) {
      await store.scoped(orgScope(id)).organisations.create({ id, name: id, parentId });
      for (const role of ['analyst', 'viewer'] as const) {
        tokens[`${id}:${role}`] = (await issueApiToken(store.scoped(orgScope(id)), { orgId: id, role, now: clock.now() })).token;
      }
    }
    const broadcast = new IndicatorBroadcast(bus, 'api');
    await broadcast.start();
    published.length = 0;
    await broadcast.subscribe((u) => published.push(u));
    const intel = new IntelService({ store, clock, ids: randomIds, broadcast });
    app = await buildServer({ config: { http }, store, bus, clock }, [indicatorRoutes({ intel, clock, ids: randomIds })]);
  });
  afterEach(async () => {
    await app.close();
    await bus.close();
    await store.close();
  });

  const call = (method: 'GET' | 'POST', url: string, who: string, payload?: unknown) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });

  it('imports a STIX bundle with per-object results; an invalid object does not reject the others', async () => {
    const objects = [...apt1.objects.slice(0, 20), { type: 'indicator', spec_version: '2.1', id: 'indicator--not-a-uuid' }];
    const res = await call('POST', '/api/v1/indicators', 'member-a:analyst', { type: 'bundle', id: 'bundle--44af6c39-c09b-49c5-9de2-394224b04982', objects });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { accepted: unknown[]; rejected: { index: number; id: string; property: string | null; reason: string }[] };
    expect(body.accepted).toHaveLength(20);
    expect(body.rejected).toMatchObject([{ index: 20, id: 'indicator--not-a-uuid' }]);
    expect(body.rejected[0]!.reason.length).toBeGreaterThan(0);
  });

  it('builds a valid indicator from the convenience form, finds it by value, and hides AMBER from another member', async () => {
    const post = await call('POST', '/api/v1/indicators', 'member-a:analyst', { type: 'domain-name', value: 'C2.Example.org', tlp: 'amber', name: 'C2 domain' });
    expect(post.statusCode, post.body).toBe(200);
    const [accepted] = (post.json() as { accepted: { id: string; outcome: string }[] }).accepted;
    expect(accepted).toMatchObject({ outcome: 'new' });
    const found = await call('GET', '/api/v1/indicators?value=c2.example.org&type=domain-name', 'member-a:viewer');
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json()).toMatchObject({ items: [{ id: accepted!.id, producer: 'member-a', name: 'C2 domain', tlp: 'amber', values: [{ type: 'domain-name', value: 'c2.example.org' }] }], next: null });
    const other = await call('GET', '/api/v1/indicators?value=c2.example.org', 'member-b:viewer');
    expect(other.json()).toEqual({ items: [], next: null });
  });

  it('pages a listing with cursor and limit', async () => {
    await call('POST', '/api/v1/indicators', 'member-a:analyst', apt1.objects);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call('GET', `/api/v1/indicators?limit=5${cursor ? `&cursor=${cursor}` : ''}`, 'member-a:viewer');
      const page = res.json() as { items: { id: string }[]; next: string | null };
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next;
    } while (cursor);
    expect(seen).toHaveLength(apt1.objects.filter((o) => o.type === 'indicator').length);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses bad input with catalog codes: a malformed value, an unknown type, a viewer posting, no token', async () => {
    const bad = await call('POST', '/api/v1/indicators', 'member-a:analyst', { type: 'ipv4-addr', value: '999.1.1.1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { where: 'value' } });
    const badType = await call('GET', '/api/v1/indicators?type=banana', 'member-a:viewer');
    expect(badType.statusCode).toBe(400);
    expect(badType.json().error.code).toBe('VALIDATION_FAILED');
    const viewer = await call('POST', '/api/v1/indicators', 'member-a:viewer', { type: 'ipv4-addr', value: '192.0.2.1' });
    expect(viewer.json().error.code).toBe('FORBIDDEN');
    const anonymous = await app.inject({ method: 'GET', url: '/api/v1/indicators' });
    expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('confirms an indicator (published for early warning); unknown or not released ones answer 404', async () => {
    const post = await call('POST', '/api/v1/indicators', 'member-a:analyst', { type: 'ipv4-addr', value: '192.0.2.77', tlp: 'green' });
    const id = (post.json() as { accepted: { id: string }[] }).accepted[0]!.id;
    published.length = 0;
    const res = await call('POST', `/api/v1/indicators/${id}/confirm`, 'member-b:analyst');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ id, producer: 'member-a', confirmedAt: clock.now(), published: true });
    expect(published).toMatchObject([{ reason: 'confirm', confirmedBy: 'member-b' }]);
    const missing = await call('POST', '/api/v1/indicators/indicator--00000000-0000-4000-8000-000000000000/confirm', 'member-b:analyst');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('answers another member a GREEN indicator without its RED description; the named recipient gets it', async () => {
    await store.scoped(orgScope('member-c')).organisations.create({ id: 'member-c', name: 'member-c' });
    tokens['member-c:viewer'] = (await issueApiToken(store.scoped(orgScope('member-c')), { orgId: 'member-c', role: 'viewer', now: clock.now() })).token;
    const secret = 'Seen first on our SCADA jump host';
    const indicator = {
      ...buildSimpleIndicator({ orgId: 'member-a', type: 'domain-name', value: 'jump.example', tlp: 'green' }, { clock, ids: randomIds }),
      description: secret,
      granular_markings: [{ marking_ref: TLP_MARKING_IDS.red, selectors: ['description'] }],
      x_shieldwall_red_recipients: ['member-c'],
    };
    const post = await call('POST', '/api/v1/indicators', 'member-a:analyst', [indicator]);
    expect(post.json()).toMatchObject({ accepted: [{ id: indicator.id, outcome: 'new' }], rejected: [] });
    for (const url of ['/api/v1/indicators?value=jump.example', '/api/v1/indicators']) {
      const other = await call('GET', url, 'member-b:viewer');
      expect(other.statusCode, other.body).toBe(200);
      expect((other.json() as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([indicator.id]);
      expect(other.body).not.toContain('SCADA');
      const named = await call('GET', url, 'member-c:viewer');
      expect((named.json() as { items: { object: { description?: string } }[] }).items[0]!.object.description).toBe(secret);
    }
    const confirm = await call('POST', `/api/v1/indicators/${indicator.id}/confirm`, 'member-b:analyst');
    expect(confirm.statusCode, confirm.body).toBe(200);
    expect(confirm.body).not.toContain('SCADA');
  });

  it('documents the three endpoints in OpenAPI', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/indicators']!).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/api/v1/indicators/{id}/confirm']).toHaveProperty('post');
  });
});
