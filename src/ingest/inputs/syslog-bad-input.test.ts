import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/clock.js';
import { orgScope } from '../../store/index.js';
import { ListLogger, loadCaptures, readCapture, realIngestService, valueOf, waitFor } from './input-test-kit.js';
import { SyslogInputMetrics } from './syslog-input-metrics.js';
import { SyslogTcpInput } from './syslog-tcp-input.js';
import { SyslogUdpInput } from './syslog-udp-input.js';

// The "Bad input" requirement of issue 4 for the syslog inputs, on the real ingest service:
// each kind of bad record is counted by its code, logged once per source with a sample, never
// crashes or stalls the listener, and a well-behaved client on the same listener loses nothing.

const captures = loadCaptures();
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

const lines = (file: string) => readCapture(file).toString('latin1').split('\n').filter(Boolean).map((l) => Buffer.from(l, 'latin1'));

/** Real frames from the captures, each broken one way, with the code the pipeline must give it. */
function brokenFrames(): { bytes: Buffer; code: string | null }[] {
  const rfc5424 = lines('logger-tcp-rfc5424-lf.tcp')[0]!.toString('latin1');
  const rfc3164 = lines('logger-tcp-rfc3164-lf.tcp')[0]!.toString('latin1');
  const json = lines('rsyslog-tcp-json-lf.tcp')[0]!.toString('latin1');
  return [
    { bytes: Buffer.from(rfc5424.replace('tzKnown="1"', 'tzKnown=1'), 'latin1'), code: 'SYSLOG_BAD_STRUCTURED_DATA' },
    { bytes: Buffer.from(rfc3164.replace(/^<\d+>/, '<999>'), 'latin1'), code: 'SYSLOG_BAD_PRI' },
    { bytes: Buffer.from(rfc5424.replace(/^(<\d+>)1 /, '$17 '), 'latin1'), code: 'SYSLOG_BAD_VERSION' },
    { bytes: Buffer.from(json.slice(0, Math.floor(json.length / 2)), 'latin1'), code: 'JSON_INVALID' },
    { bytes: Buffer.from('GET / HTTP/1.1'), code: 'UNKNOWN_FORMAT' },
    // An old device's Latin-1 host name: kept (U+FFFD), stored and counted, not rejected.
    { bytes: Buffer.from(rfc3164.replace('web01', 'w\u00e9b01'), 'latin1'), code: null },
  ];
}

async function setUp() {
  const svc = await realIngestService(1_000_000);
  open.push(svc);
  const logger = new ListLogger();
  const deps = { org: 'member-1', ingest: svc.ingest, metrics: new SyslogInputMetrics(svc.registry, svc.metrics.dropped), logger, clock: systemClock };
  const stored = async (source: string) => (await svc.store.scoped(orgScope('member-1')).events.query({ source, limit: 1000 })).items;
  const rejected = async (input: string, reason: string) => valueOf(svc.metrics.rejected, { input, reason });
  return { svc, deps, logger, stored, rejected };
}

describe.runIf(captures)('syslog listeners on bad input (real frames, real ingest service)', () => {
  it('TCP: counts each broken frame by code, logs the bad sender once with a sample, and the good sender loses nothing', async () => {
    const { deps, logger, stored, rejected } = await setUp();
    const input = new SyslogTcpInput({ ...deps, address: '127.0.0.1:0', maxFrameBytes: 4096, flushMs: 5 });
    open.push(input);
    const port = Number((await input.start()).split(':').pop());
    const broken = brokenFrames();
    const good = readCapture('logger-tcp-rfc5424-lf.tcp');
    const goodCount = lines('logger-tcp-rfc5424-lf.tcp').length;
    const send = (bytes: Buffer, localAddress: string) =>
      new Promise<void>((resolve, reject) => {
        const s = connect({ port, host: '127.0.0.1', localAddress });
        s.on('error', reject);
        s.end(bytes, () => resolve());
      });
    const giant = Buffer.alloc(10_000, 'A');
    const badStream = Buffer.concat([
      ...broken.map((f) => Buffer.concat([f.bytes, Buffer.from('\n')])),
      Buffer.from('<13>1 - - - - - - '), giant, Buffer.from('\n'),
      good,
    ]);
    await Promise.all([send(badStream, '127.0.0.2'), send(good, '127.0.0.1')]);
    // An octet-counted sender that gives a bad count, then cuts a frame short.
    await send(Buffer.from(`12x <13>1 - - - - - - bad count\n${good.length + 100} ${good.toString('latin1')}`, 'latin1'), '127.0.0.3');

    await waitFor(async () => (await stored('syslog-tcp')).length === 2 * goodCount + 1, 'the good lines of both senders and the Latin-1 line');
    await waitFor(async () => (await rejected('syslog-tcp', 'FRAME_TRUNCATED')) === 1, 'the end of the octet-counted sender');
    for (const f of broken.filter((b) => b.code)) expect(await rejected('syslog-tcp', f.code!), f.code!).toBe(1);
    expect(await rejected('syslog-tcp', 'FRAME_TOO_LARGE')).toBe(1);
    expect(await rejected('syslog-tcp', 'FRAME_BAD_OCTET_COUNT')).toBe(1);
    expect(await rejected('syslog-tcp', 'FRAME_TRUNCATED')).toBe(1);
    expect(await valueOf(deps.metrics.invalidUtf8, { input: 'syslog-tcp' })).toBe(1);
    const latin1 = (await stored('syslog-tcp')).find((e) => e.message?.includes('Failed password') && JSON.stringify(e.data).includes('w\ufffdb01'));
    expect(latin1).toBeDefined();

    const warnings = logger.lines.filter((l) => l.level === 'warn');
    const bySender = (ip: string) => warnings.filter((l) => String((l.obj as { source?: string }).source).startsWith(`${ip}:`));
    expect(bySender('127.0.0.2')).toHaveLength(1); // once per source, however many problems
    expect(bySender('127.0.0.2')[0]!.obj).toMatchObject({ sample: expect.any(String) });
    expect(bySender('127.0.0.1')).toHaveLength(0);
    expect(bySender('127.0.0.3')).toHaveLength(1);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(0);
    expect(input.connections()).toHaveLength(0);
  });

  it('UDP: counts each broken datagram by code, logs the bad sender once with a sample, and keeps serving the good sender', async () => {
    const { deps, logger, stored, rejected } = await setUp();
    const input = new SyslogUdpInput({ ...deps, address: '127.0.0.1:0', maxMessageBytes: 4096, flushMs: 5 });
    open.push(input);
    const port = Number((await input.start()).split(':').pop());
    const sender = async (address: string) => {
      const s = createSocket('udp4');
      await new Promise<void>((resolve) => s.bind({ address, port: 0 }, () => resolve()));
      open.push({ close: async () => { s.close(); } });
      return (bytes: Buffer) => new Promise<void>((resolve, reject) => s.send(bytes, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    };
    const bad = await sender('127.0.0.2');
    const good = await sender('127.0.0.1');
    const goodDatagrams = captures!.filter((c) => c.transport === 'udp').map((c) => readCapture(c.file));
    const broken = brokenFrames();
    for (const f of broken) await bad(f.bytes);
    await bad(Buffer.alloc(5000, 'A')); // over maxMessageBytes
    for (const d of goodDatagrams) await good(d);

    await waitFor(async () => (await stored('syslog-udp')).length === goodDatagrams.length + 1, 'every good datagram and the Latin-1 one');
    for (const f of broken.filter((b) => b.code)) expect(await rejected('syslog-udp', f.code!), f.code!).toBe(1);
    expect(await rejected('syslog-udp', 'FRAME_TOO_LARGE')).toBe(1);
    expect(await valueOf(deps.metrics.invalidUtf8, { input: 'syslog-udp' })).toBe(1);
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    expect(warnings.filter((l) => (l.obj as { source?: string }).source === '127.0.0.2')).toHaveLength(1);
    expect(warnings.filter((l) => (l.obj as { source?: string }).source === '127.0.0.1')).toHaveLength(0);
    expect(warnings[0]!.obj).toMatchObject({ sample: expect.any(String) });
  });
});
