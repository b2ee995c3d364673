import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueApiToken } from '../../governance/index.js';
import { ListLogger, realIngestService, valueOf } from '../../ingest/inputs/input-test-kit.js';
import { ManualClock } from '../../shared/clock.js';
import { orgScope } from '../../store/index.js';
import { buildServer } from '../build-server.js';
import { eventIngestRoutes } from './event-ingest-routes.js';

const testdata = fileURLToPath(new URL('../../../../shared/testdata/', import.meta.url));
const haveData = existsSync(`${testdata}suricata/otrf`) && existsSync(`${testdata}syslog/cef-samples.txt`);
if (!haveData) console.warn(`skipping event ingest route tests: ${testdata} is absent`);

/** Real records: Suricata EVE lines and a syslog line. */
function realLines(): Buffer[] {
  const dir = `${testdata}suricata/otrf/`;
  const eve = readFileSync(dir + readdirSync(dir).find((f) => f.endsWith('.eve.json'))!, 'utf8').split('\n').filter((l) => l.trim()).slice(0, 20);
  const syslog = readFileSync(`${testdata}syslog/logger-tcp-rfc3164-lf.tcp`, 'utf8').split('\n').filter(Boolean).slice(0, 1);
  return [...eve, ...syslog].map((l) => Buffer.from(l));
}

const http = { host: '127.0.0.1', port: 0, bodyLimit: 4 * 1024 * 1024, shutdownGraceMs: 1000 };

describe.runIf(haveData)('POST /api/v1/events with bad lines', () => {
  let svc: Awaited<ReturnType<typeof realIngestService>>;
  let app: FastifyInstance;
  let token: string;
  let logger: ListLogger;
  const clock = new ManualClock(Date.parse('2026-11-26T03:00:00Z'));

  beforeEach(async () => {
    svc = await realIngestService(1_000_000);
    logger = new ListLogger();
    token = (await issueApiToken(svc.store.scoped(orgScope('member-1')), { orgId: 'member-1', role: 'sensor', now: clock.now() })).token;
    app = await buildServer({ config: { http }, store: svc.store, bus: svc.bus, clock }, [
      eventIngestRoutes({ ingest: svc.ingest, bodyLimit: http.bodyLimit, maxLineBytes: 4096, logger, clock }),
    ]);
  });
  afterEach(async () => {
    await app.close();
    await svc.close();
  });

  const post = (body: Buffer, type = 'application/x-ndjson', remoteAddress = '192.0.2.10') =>
    app.inject({ method: 'POST', url: '/api/v1/events?ids=true', payload: body, remoteAddress, headers: { authorization: `Bearer ${token}`, 'content-type': type } });

  it('answers 413 to a line body over the limit, plain or once decompressed, and stores nothing of it', async () => {
    const line = Buffer.from(`${realLines()[0]!.toString()}\n`);
    const big = Buffer.concat(Array.from({ length: Math.ceil(http.bodyLimit / line.length) + 1 }, () => line));
    const plain = await post(big);
    expect(plain.statusCode).toBe(413);
    expect(plain.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const zipped = await app.inject({
      method: 'POST', url: '/api/v1/events', payload: gzipSync(big),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
    });
    expect(zipped.statusCode).toBe(413);
    expect(zipped.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect((await svc.store.scoped(orgScope('member-1')).events.query({ limit: 10 })).items).toEqual([]);
    // A body within the limit after those is read whole.
    const ok = await post(Buffer.concat([line, line]));
    expect(ok.statusCode, ok.body).toBe(202);
    expect(ok.json().accepted).toBe(2);
  });

  it('answers 400 when a line body is shorter than its Content-Length said', async () => {
    const line = realLines()[0]!;
    const res = await app.inject({
      method: 'POST', url: '/api/v1/events', payload: line,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'content-length': String(line.length + 10) },
    });
    expect(res.statusCode).toBe(400);
  });

  it('rejects only the lines with invalid UTF-8 or over maxLineBytes, by line index, and stores every other real event', async () => {
    const lines = realLines();
    const latin1 = Buffer.from(lines.at(-1)!.toString('latin1').replace('web01', 'w\u00e9b01'), 'latin1');
    const cut = Buffer.concat([lines[0]!.subarray(0, 30), Buffer.from([0xf0, 0x9f]), lines[0]!.subarray(30)]);
    const giant = Buffer.from(`{"message":"${'A'.repeat(5000)}"}`);
    const body = [lines[0]!, latin1, ...lines.slice(1, 10), cut, giant, ...lines.slice(10)];
    const res = await post(Buffer.concat(body.flatMap((l) => [l, Buffer.from('\n')])));
    expect(res.statusCode, res.body).toBe(202);
    const answer = res.json() as { accepted: number; rejected: { index: number; code: string; message: string }[]; ids: string[] };
    expect(answer.rejected.map((r) => [r.index, r.code])).toEqual([[1, 'UTF8_INVALID'], [11, 'UTF8_INVALID'], [12, 'FRAME_TOO_LARGE']]);
    expect(answer.rejected[0]!.message).toContain('line 2');
    expect(answer.rejected[1]!.message).toContain('line 12 is not valid UTF-8 (byte 30 of the line, 0xf0)');
    expect(answer.rejected[2]!.message).toContain(`line 13 is ${giant.length} bytes, above the limit of 4096 bytes`);
    expect(answer.accepted).toBe(lines.length);
    const stored = await svc.store.scoped(orgScope('member-1')).events.query({ source: 'http', limit: 1000 });
    expect(stored.items).toHaveLength(lines.length);
    expect(await valueOf(svc.metrics.rejected, { input: 'http', reason: 'UTF8_INVALID' })).toBe(2);
    expect(await valueOf(svc.metrics.rejected, { input: 'http', reason: 'FRAME_TOO_LARGE' })).toBe(1);
    expect(await valueOf(svc.metrics.received, { input: 'http' })).toBe(lines.length + 3);
  });

  it('logs rejected records once a minute per caller (token and remote address), with a sample of the first', async () => {
    const lines = realLines();
    const bad = Buffer.concat([lines[0]!, Buffer.from('\n'), Buffer.from(lines[1]!.toString('latin1').replace('"', '"\u00ff'), 'latin1'), Buffer.from('\n{"broken": \n')]);
    for (let i = 0; i < 3; i++) expect((await post(bad)).statusCode).toBe(202);
    expect((await post(bad, 'application/x-ndjson', '192.0.2.11')).statusCode).toBe(202);
    expect((await post(Buffer.concat(lines.map((l) => Buffer.concat([l, Buffer.from('\n')]))))).statusCode).toBe(202);
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    expect(warnings.map((w) => (w.obj as { remote: string }).remote)).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(warnings[0]!.obj).toMatchObject({
      input: 'http', org: 'member-1', rejected: 2, accepted: 1, index: 1, code: 'UTF8_INVALID',
      sample: expect.stringContaining('\ufffd'), suppressedSinceLast: 0,
    });
    expect((warnings[0]!.obj as { sample: string }).sample.length).toBeLessThanOrEqual(121);

    clock.advance(60_000);
    expect((await post(bad)).statusCode).toBe(202);
    expect(logger.lines.filter((l) => l.level === 'warn').at(-1)!.obj).toMatchObject({ remote: '192.0.2.10', suppressedSinceLast: 2 });
    // A parse error is logged the same way, with the line as its sample.
    clock.advance(60_000);
    expect((await post(Buffer.from('{"broken": \n'))).statusCode).toBe(202);
    expect(logger.lines.at(-1)!.obj).toMatchObject({ code: 'JSON_INVALID', index: 0, sample: '{"broken": ' });
  });

  it('refuses a JSON body with invalid UTF-8 whole, naming the byte and line, and logs it once for the caller', async () => {
    const lines = realLines().slice(0, 3).map((l) => l.toString());
    const text = `[\n${lines.join(',\n')}\n]`;
    const at = text.indexOf('\n', 2) + 5;
    const body = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xc3]), Buffer.from(text.slice(at))]);
    const res = await post(body, 'application/json');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'INVALID_JSON', details: { offset: Buffer.byteLength(text.slice(0, at)), line: 3 } } });
    expect((await post(body, 'application/json')).statusCode).toBe(400);
    // Logged once for the caller, with the start of the body as its sample.
    expect(logger.lines.map((l) => [l.level, l.msg])).toEqual([['warn', 'ingest body refused']]);
    expect(logger.lines[0]!.obj).toMatchObject({ code: 'INVALID_JSON', remote: '192.0.2.10', bytes: body.length, sample: expect.stringMatching(/^\[\.\{/) });
    expect((await post(Buffer.from(text), 'application/json')).json()).toMatchObject({ accepted: 3, rejected: [] });
  });
});
