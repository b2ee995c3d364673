import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indicator, postObjects, root, taxiiFixture, type TaxiiFixture } from './taxii-test-kit.js';
import { taxiiMediaType } from './taxii-media.js';

let f: TaxiiFixture;
beforeEach(async () => {
  f = await taxiiFixture();
});
afterEach(async () => {
  await f.close();
});

function expectTaxiiError(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, code: string): void {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toBe(taxiiMediaType);
  const body = res.json() as Record<string, unknown>;
  expect(body).toMatchObject({ title: expect.any(String), http_status: String(status), error_code: code, error_id: expect.any(String) });
  expect(Object.keys(body).every((k) => ['title', 'description', 'error_id', 'error_code', 'http_status', 'external_details', 'details'].includes(k))).toBe(true);
}

describe('TAXII 2.1 §4.1 server discovery and §4.2 API root', () => {
  it('§4.1: GET /taxii2/ returns the discovery resource whose default and api_roots name the one API root', async () => {
    const res = await f.request({ method: 'GET', url: '/taxii2/', token: await f.token('member', 'viewer') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(taxiiMediaType);
    const body = res.json();
    expect(body).toEqual({ title: expect.any(String), description: expect.any(String), default: 'http://localhost:80/taxii2/api/', api_roots: ['http://localhost:80/taxii2/api/'] });
    expect((await f.request({ method: 'GET', url: '/taxii2', token: await f.token('member') })).statusCode).toBe(200);
  });

  it('§4.2: the API root lists version application/taxii+json;version=2.1 and max_content_length', async () => {
    const res = await f.request({ method: 'GET', url: `${root}/`, token: await f.token('member') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ title: 'Shieldwall', versions: [taxiiMediaType], max_content_length: 256 * 1024 });
  });
});

describe('TAXII 2.1 "Authentication and Authorization"', () => {
  it('answers 401 with WWW-Authenticate and a TAXII error message on every endpoint without credentials', async () => {
    for (const url of ['/taxii2/', `${root}/`, `${root}/collections/`, `${root}/collections/col-1/`, `${root}/collections/col-1/objects/`, `${root}/collections/col-1/manifest/`, `${root}/status/x/`]) {
      const res = await f.request({ method: 'GET', url });
      expectTaxiiError(res, 401, 'UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toMatch(/Basic realm=.*Bearer realm=/);
    }
  });

  it('answers 401 for a wrong bearer token and a wrong Basic user name', async () => {
    expectTaxiiError(await f.request({ method: 'GET', url: '/taxii2/', headers: { authorization: 'Bearer sw_0123456789abcdef_nottherealsecretatall' } }), 401, 'UNAUTHENTICATED');
    const token = await f.token('member');
    const wrongUser = Buffer.from(`someone:${token}`).toString('base64');
    expectTaxiiError(await f.request({ method: 'GET', url: '/taxii2/', headers: { authorization: `Basic ${wrongUser}` } }), 401, 'UNAUTHENTICATED');
  });

  it('takes HTTP Basic with the token id as user name and the whole token as password', async () => {
    const token = await f.token('member');
    const id = token.slice(3, 19);
    const res = await f.request({ method: 'GET', url: `${root}/collections/`, headers: { authorization: `Basic ${Buffer.from(`${id}:${token}`).toString('base64')}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json().collections.map((c: { id: string }) => c.id)).toEqual(['col-1']);
  });
});

describe('TAXII 2.1 "Content Negotiation" and media types', () => {
  it('serves application/taxii+json;version=2.1 to that Accept, to the unversioned type and to wildcards', async () => {
    const token = await f.token('member');
    for (const accept of [taxiiMediaType, 'application/taxii+json', '*/*', 'application/*', 'text/html;q=0.9, application/taxii+json;version=2.1']) {
      const res = await f.request({ method: 'GET', url: `${root}/`, token, headers: { accept } });
      expect(res.statusCode, accept).toBe(200);
      expect(res.headers['content-type']).toBe(taxiiMediaType);
    }
  });

  it('answers 406 to an Accept it cannot satisfy (another TAXII version, plain JSON, q=0)', async () => {
    const token = await f.token('member');
    for (const accept of ['application/taxii+json;version=2.0', 'application/json', 'text/html', 'application/taxii+json;q=0']) {
      expectTaxiiError(await f.request({ method: 'GET', url: `${root}/collections/`, token, headers: { accept } }), 406, 'NOT_ACCEPTABLE');
    }
  });

  it('answers 415 to a POST whose Content-Type is not TAXII 2.1, and takes the unversioned type', async () => {
    const token = await f.token('producer');
    const payload = JSON.stringify({ objects: [indicator(1)] });
    for (const type of ['application/json', 'application/taxii+json;version=2.0', 'text/plain', 'application/stix+json;version=2.1']) {
      const res = await f.request({ method: 'POST', url: `${root}/collections/col-1/objects/`, token, headers: { 'content-type': type }, payload });
      expectTaxiiError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    const ok = await f.request({ method: 'POST', url: `${root}/collections/col-1/objects/`, token, headers: { 'content-type': 'application/taxii+json' }, payload });
    expect(ok.statusCode).toBe(202);
  });
});

describe('TAXII 2.1 "Error Message" (section 3)', () => {
  it('answers unknown paths, bad filters, bad JSON and too large bodies with TAXII error messages', async () => {
    const token = await f.token('producer');
    expectTaxiiError(await f.request({ method: 'GET', url: `${root}/nowhere/`, token }), 404, 'NOT_FOUND');
    const bad = await f.request({ method: 'GET', url: `${root}/collections/col-1/objects/?added_after=yesterday`, token });
    expectTaxiiError(bad, 400, 'BAD_REQUEST');
    expect(bad.json().details).toEqual({ where: 'query.added_after' });
    expectTaxiiError(await f.request({ method: 'GET', url: `${root}/collections/col-1/objects/?limit=0`, token }), 400, 'BAD_REQUEST');
    expectTaxiiError(await f.request({ method: 'GET', url: `${root}/collections/col-1/objects/?next=%21`, token }), 400, 'BAD_REQUEST');
    expectTaxiiError(await f.request({ method: 'GET', url: `${root}/collections/col-1/objects/?match[version]=newest`, token }), 400, 'BAD_REQUEST');
    const headers = { 'content-type': taxiiMediaType };
    expectTaxiiError(await f.request({ method: 'POST', url: `${root}/collections/col-1/objects/`, token, headers, payload: '{"objects": [' }), 400, 'INVALID_JSON');
    expectTaxiiError(await f.request({ method: 'POST', url: `${root}/collections/col-1/objects/`, token, headers, payload: '{"bundle": 1}' }), 400, 'BAD_REQUEST');
    const huge = JSON.stringify({ objects: Array.from({ length: 1500 }, (_, i) => indicator(i)) });
    expectTaxiiError(await f.request({ method: 'POST', url: `${root}/collections/col-1/objects/`, token, headers, payload: huge }), 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('TAXII 2.1 §5.1/§5.2 collections, per organisation and role', () => {
  it('lists the collections the caller organisation can see, with can_read/can_write from its grant and role', async () => {
    const list = async (org: string, role: 'viewer' | 'analyst' | 'sensor' = 'analyst') =>
      (await f.request({ method: 'GET', url: `${root}/collections/`, token: await f.token(org, role) })).json();
    expect(await list('producer')).toEqual({
      collections: [{ id: 'col-1', title: 'Shared indicators', description: 'for the alliance', can_read: true, can_write: true, media_types: ['application/stix+json;version=2.1'] }],
    });
    expect((await list('member')).collections[0]).toMatchObject({ can_read: true, can_write: false });
    expect((await list('writer')).collections[0]).toMatchObject({ can_read: false, can_write: true });
    expect((await list('producer', 'viewer')).collections[0]).toMatchObject({ can_read: true, can_write: false });
    expect((await list('producer', 'sensor')).collections[0]).toMatchObject({ can_read: false, can_write: false });
    expect(await list('outsider')).toEqual({});
  });

  it('answers 404 for a collection the organisation cannot see (as for one that does not exist), 403 for a missing right', async () => {
    const outsider = await f.token('outsider');
    for (const url of [`${root}/collections/col-1/`, `${root}/collections/col-1/objects/`, `${root}/collections/col-1/manifest/`, `${root}/collections/nope/`]) {
      expectTaxiiError(await f.request({ method: 'GET', url, token: outsider }), 404, 'NOT_FOUND');
    }
    expectTaxiiError(await postObjects(f, outsider, [indicator(1)]), 404, 'NOT_FOUND');
    expectTaxiiError(await postObjects(f, await f.token('member'), [indicator(1)]), 403, 'FORBIDDEN');
    expectTaxiiError(await postObjects(f, await f.token('producer', 'viewer'), [indicator(1)]), 403, 'FORBIDDEN');
    expectTaxiiError(await f.request({ method: 'GET', url: `${root}/collections/col-1/objects/`, token: await f.token('writer') }), 403, 'FORBIDDEN');
    expect((await f.request({ method: 'GET', url: `${root}/collections/col-1/`, token: await f.token('writer') })).statusCode).toBe(200);
  });
});

describe('TAXII 2.1 §5.5 add objects and §4.3 status', () => {
  it('stores valid objects, records invalid ones as failures with reasons, and answers 202 with the status resource', async () => {
    const token = await f.token('producer');
    const invalid = { ...indicator(2), pattern: undefined, id: 'indicator--00000000-0000-4000-8000-000000000002' };
    const res = await postObjects(f, token, [indicator(1), invalid, { type: 'indicator', id: 'nonsense' }, indicator(1)]);
    expect(res.statusCode).toBe(202);
    expect(res.headers['content-type']).toBe(taxiiMediaType);
    const status = res.json();
    expect(status).toMatchObject({
      id: 'status-1', status: 'complete', request_timestamp: '2023-11-14T22:13:20.000Z', total_count: 4, success_count: 2, failure_count: 2, pending_count: 0,
      successes: [{ id: indicator(1).id, version: '2024-01-01T00:00:00.000Z' }, { id: indicator(1).id, version: '2024-01-01T00:00:00.000Z', message: 'already in the collection' }],
    });
    expect(status.failures[0]).toMatchObject({ id: invalid.id, version: '2024-01-01T00:00:00.000Z', message: expect.stringMatching(/^objects\[1\] .*pattern/) });
    expect(status.failures[1]).toMatchObject({ id: 'nonsense', message: expect.stringMatching(/^objects\[2\] /) });
    const again = await f.request({ method: 'GET', url: `${root}/status/status-1/`, token });
    expect(again.json()).toEqual(status);
    expectTaxiiError(await f.request({ method: 'GET', url: `${root}/status/status-1/`, token: await f.token('member') }), 404, 'NOT_FOUND');
  });
});
