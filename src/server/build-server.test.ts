import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBus, type Bus } from '../bus/index.js';
import { AUTHORITY_ORG_ID, issueApiToken } from '../governance/index.js';
import { createStore, orgScope, type Alert, type Store } from '../store/index.js';
import { ManualClock } from '../shared/clock.js';
import { bootstrapAuthority } from './bootstrap.js';
import { buildServer } from './build-server.js';

const http = { host: '127.0.0.1', port: 0, bodyLimit: 64 * 1024, shutdownGraceMs: 1000 };

function alert(orgId: string, id: string): Alert {
  return {
    id, orgId, createdAt: 1_000, time: 1_000, ruleId: 'rule-1', ruleTitle: 'Test rule', level: 'high',
    author: 'Florian Roth', eventId: `evt-${id}`, data: { note: `belongs to ${orgId}` },
  };
}

describe('HTTP API', () => {
  let store: Store;
  let bus: Bus;
  let app: FastifyInstance;
  let adminToken: string;
  let tokenA: string;
  let tokenB: string;
  let viewerA: string;
  const clock = new ManualClock(1_700_000_000_000);

  beforeEach(async () => {
    store = await createStore(':memory:');
    await store.migrate();
    bus = await createBus('memory:');
    adminToken = (await bootstrapAuthority(store, clock))!.token;
    for (const id of ['org-a', 'org-b']) {
      await store.scoped(orgScope(id)).organisations.create({ id, name: id.toUpperCase(), parentId: null });
    }
    tokenA = (await issueApiToken(store.scoped(orgScope('org-a')), { orgId: 'org-a', role: 'admin', now: clock.now() })).token;
    tokenB = (await issueApiToken(store.scoped(orgScope('org-b')), { orgId: 'org-b', role: 'admin', now: clock.now() })).token;
    viewerA = (await issueApiToken(store.scoped(orgScope('org-a')), { orgId: 'org-a', role: 'viewer', now: clock.now() })).token;
    await store.scoped(orgScope('org-a')).alerts.insertMany([alert('org-a', 'alert-a')]);
    await store.scoped(orgScope('org-b')).alerts.insertMany([alert('org-b', 'alert-b')]);
    app = await buildServer({ config: { http }, store, bus, clock });
  });

  afterEach(async () => {
    await app.close();
    await bus.close();
    await store.close();
  });

  const get = (url: string, token?: string) =>
    app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('answers liveness, readiness, metrics and the OpenAPI document', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ store: 'ok', bus: 'ok' });
    const openapi = (await get('/openapi.json')).json();
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/alerts', '/api/v1/tokens', '/readyz']));
    const metrics = await get('/metrics');
    expect(metrics.body).toContain('shieldwall_http_requests_total');
    expect(metrics.body).toContain('route="/readyz"');
  });

  it('refuses requests without a valid bearer token with the catalog shape', async () => {
    const none = await get('/api/v1/alerts');
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('UNAUTHENTICATED');
    const forged = await get('/api/v1/alerts', `${tokenA.slice(0, -4)}AAAA`);
    expect(forged.statusCode).toBe(401);
    const garbage = await app.inject({ method: 'GET', url: '/api/v1/alerts', headers: { authorization: 'Basic eDp5' } });
    expect(garbage.json().error.code).toBe('UNAUTHENTICATED');
  });

  it("never lets organisation A read organisation B's alert", async () => {
    const own = await get('/api/v1/alerts/alert-a', tokenA);
    expect(own.statusCode).toBe(200);
    expect(own.json().author).toBe('Florian Roth');

    const other = await get('/api/v1/alerts/alert-b', tokenA);
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('NOT_FOUND');

    const listed = (await get('/api/v1/alerts', tokenA)).json();
    expect(listed.items.map((a: Alert) => a.id)).toEqual(['alert-a']);

    const crossOrg = await get('/api/v1/alerts?org=org-b', tokenA);
    expect(crossOrg.statusCode).toBe(404);
    const crossOrgItem = await get('/api/v1/alerts/alert-b?org=org-b', tokenA);
    expect(crossOrgItem.statusCode).toBe(404);

    expect((await get('/api/v1/alerts', tokenB)).json().items.map((a: Alert) => a.id)).toEqual(['alert-b']);
  });

  it('lets the authority read another organisation only through an audited scope', async () => {
    const res = await get('/api/v1/alerts/alert-b?org=org-b', adminToken);
    expect(res.statusCode).toBe(200);
    expect((await get('/api/v1/alerts/alert-a?org=org-b', adminToken)).statusCode).toBe(404);
    const listed = (await get('/api/v1/alerts?org=org-b', adminToken)).json();
    expect(listed.items.map((a: Alert) => a.id)).toEqual(['alert-b']);
    const audit = await store.scoped(orgScope(AUTHORITY_ORG_ID)).audit.list({ limit: 100 });
    const authorityAudit = await store.scoped({ kind: 'authority', actor: 'test', reason: 'inspect' }).audit.list({ limit: 1000 });
    expect([...audit, ...authorityAudit].some((e) => e.action.startsWith('authority.') && JSON.stringify(e).includes('org-b'))).toBe(true);
  });

  it('enforces roles and issues tokens that work once created', async () => {
    const denied = await app.inject({
      method: 'POST', url: '/api/v1/tokens', headers: { authorization: `Bearer ${viewerA}` }, payload: { role: 'viewer' },
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN');

    const created = await app.inject({
      method: 'POST', url: '/api/v1/tokens', headers: { authorization: `Bearer ${tokenA}` }, payload: { role: 'analyst', name: 'soc' },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.info).toMatchObject({ orgId: 'org-a', role: 'analyst' });
    expect(body.info.secretHash).toBeUndefined();
    expect((await get('/api/v1/alerts', body.token)).statusCode).toBe(200);

    const forOther = await app.inject({
      method: 'POST', url: '/api/v1/tokens', headers: { authorization: `Bearer ${tokenA}` }, payload: { role: 'admin', org: 'org-b' },
    });
    expect(forOther.statusCode).toBe(404);

    const revoked = await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${body.info.id}`, headers: { authorization: `Bearer ${tokenA}` } });
    expect(revoked.statusCode).toBe(204);
    expect((await get('/api/v1/alerts', body.token)).statusCode).toBe(401);
  });

  it('answers malformed JSON with 400, a schema violation with 400 and an oversized body with 413', async () => {
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const malformed = await app.inject({ method: 'POST', url: '/api/v1/orgs', headers, payload: '{"name": ' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('INVALID_JSON');

    const invalid = await app.inject({ method: 'POST', url: '/api/v1/orgs', headers, payload: { name: '' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('VALIDATION_FAILED');
    expect(invalid.json().error.message).toContain('/name');

    const huge = await app.inject({ method: 'POST', url: '/api/v1/orgs', headers, payload: JSON.stringify({ name: 'x'.repeat(100_000) }) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('PAYLOAD_TOO_LARGE');

    const unknown = await get('/api/v1/nothing-here', adminToken);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
  });

  it('lets only the authority create organisations, and refuses duplicates', async () => {
    const headers = { authorization: `Bearer ${adminToken}` };
    const created = await app.inject({ method: 'POST', url: '/api/v1/orgs', headers, payload: { id: 'org-c', name: 'C' } });
    expect(created.statusCode).toBe(201);
    const dup = await app.inject({ method: 'POST', url: '/api/v1/orgs', headers, payload: { id: 'org-c', name: 'C' } });
    expect(dup.json().error.code).toBe('CONFLICT');
    const byMember = await app.inject({ method: 'POST', url: '/api/v1/orgs', headers: { authorization: `Bearer ${tokenA}` }, payload: { name: 'D' } });
    expect(byMember.statusCode).toBe(403);
    const visibleToA = (await get('/api/v1/orgs', tokenA)).json().items.map((o: { id: string }) => o.id);
    expect(visibleToA).toEqual(['org-a']);
    const visibleToAuthority = (await get('/api/v1/orgs', adminToken)).json().items.map((o: { id: string }) => o.id);
    expect(visibleToAuthority).toEqual(expect.arrayContaining(['authority', 'org-a', 'org-b', 'org-c']));
  });
});
