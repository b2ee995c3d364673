import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { parseEvent } from '../parsers/index.js';
import { loadCaptures, readCapture, testDeps, valueOf, waitFor } from './input-test-kit.js';
import { SyslogUdpInput, type SyslogUdpInputOptions } from './syslog-udp-input.js';

const captures = loadCaptures();
const udpFiles = (captures ?? []).filter((c) => c.transport === 'udp');

const started: SyslogUdpInput[] = [];
const clients: Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const i of started.splice(0)) await i.close();
});

async function startInput(deps: ReturnType<typeof testDeps>, extra: Partial<SyslogUdpInputOptions> = {}): Promise<{ input: SyslogUdpInput; send: (msg: Buffer) => Promise<void> }> {
  const input = new SyslogUdpInput({ ...deps, address: '127.0.0.1:0', ...extra });
  started.push(input);
  const address = await input.start();
  const port = Number(address.split(':').pop());
  const client = createSocket(extra.address?.startsWith('[') ? 'udp6' : 'udp4');
  clients.push(client);
  const host = extra.address?.startsWith('[') ? '::1' : '127.0.0.1';
  const send = (msg: Buffer) => new Promise<void>((resolve, reject) => client.send(msg, port, host, (err) => (err ? reject(err) : resolve())));
  return { input, send };
}

describe.runIf(captures)('SyslogUdpInput on real captures', () => {
  it('submits every captured datagram once, byte for byte, in batches of at most maxBatch', async () => {
    const deps = testDeps();
    const { input, send } = await startInput(deps, { maxBatch: 4 });
    expect(input.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const sent = udpFiles.map((c) => readCapture(c.file));
    expect(sent.length).toBe(udpFiles.reduce((n, c) => n + c.messages, 0));
    expect(sent.length).toBeGreaterThan(0);
    for (const d of sent) await send(d);
    await waitFor(() => deps.target.records().length === sent.length, 'all datagrams');

    const got = deps.target.records().map((b) => b.toString('base64')).sort();
    expect(got).toEqual(sent.map((b) => b.toString('base64')).sort());
    expect(deps.target.batches.every((b) => b.records.length <= 4 && b.org === 'member-1' && b.input === 'syslog-udp')).toBe(true);
    // Each datagram carries its sender's address for the event (log.source.address).
    const sender = `127.0.0.1:${clients[0]!.address().port}`;
    expect(deps.target.batches.flatMap((b) => b.ecs)).toEqual(sent.map(() => ({ 'log.source.address': sender })));
    // Real logger and rsyslog datagrams (with and without trailing LF) parse as what the manifest says.
    const formats = deps.target.records().map((r) => { const e = parseEvent(r); return e.ok ? e.value.sourceFormat : e.error.code; });
    expect(formats.filter((f) => f === 'syslog5424' || f === 'syslog3164' || f === 'cef')).toHaveLength(sent.length);
    expect(await valueOf(deps.metrics.invalidUtf8, { input: 'syslog-udp' })).toBe(0);
  });

  it('drops and counts datagrams whose submission is refused (RATE_LIMITED), then recovers', async () => {
    const deps = testDeps();
    const { send } = await startInput(deps, { maxBatch: 500, flushMs: 5, maxConcurrentSubmits: 1 });
    deps.target.refuse(1, new ShieldwallError('RATE_LIMITED', 'detection backlog is full'));
    const sent = udpFiles.slice(0, 6).map((c) => readCapture(c.file));
    deps.target.hold();
    for (const d of sent) await send(d);
    // All six are in the one submission that is held, then refused.
    await waitFor(() => deps.target.calls === 1, 'the first submission');
    await new Promise((r) => setTimeout(r, 30));
    deps.target.release();
    await waitFor(async () => (await valueOf(deps.metrics.dropped, { input: 'syslog-udp', reason: 'RATE_LIMITED' })) > 0, 'the drop count');
    expect(await valueOf(deps.metrics.dropped, { input: 'syslog-udp', reason: 'RATE_LIMITED' })).toBe(6);
    expect(deps.target.records()).toHaveLength(0);
    expect(deps.logger.lines.some((l) => l.level === 'warn' && /dropped/.test(l.msg))).toBe(true);

    await send(sent[0]!);
    await waitFor(() => deps.target.records().length === 1, 'the next datagram after recovery');
  });

  it('keeps memory bounded: beyond maxPending, datagrams are dropped as BUFFER_FULL and counted', async () => {
    const deps = testDeps();
    const { input, send } = await startInput(deps, { maxBatch: 2, flushMs: 1, maxPending: 5, maxConcurrentSubmits: 1 });
    deps.target.hold();
    const d = readCapture(udpFiles[0]!.file);
    for (let i = 0; i < 20; i++) await send(d);
    await waitFor(async () => (await valueOf(deps.metrics.dropped, { input: 'syslog-udp', reason: 'BUFFER_FULL' })) + 2 + 5 >= 20, 'the buffer to fill');
    deps.target.release();
    await input.close();
    const dropped = await valueOf(deps.metrics.dropped, { input: 'syslog-udp', reason: 'BUFFER_FULL' });
    expect(dropped).toBeGreaterThan(0);
    expect(deps.target.records().length + dropped).toBe(20);
    expect(deps.target.records().length).toBeLessThanOrEqual(2 + 5);
  });

  it('rejects an oversized datagram with FRAME_TOO_LARGE and counts invalid UTF-8 while keeping the message', async () => {
    const deps = testDeps();
    const { send } = await startInput(deps, { maxMessageBytes: 300, flushMs: 5 });
    const big = readCapture('rsyslog-udp-rfc5424.06.udp');
    expect(big.length).toBeGreaterThan(300);
    // A real RFC 3164 line with its UTF-8 'ü' replaced by a lone Latin-1 byte 0xFC.
    const utf8Line = readCapture('logger-udp-rfc3164.03.udp');
    const at = utf8Line.indexOf(Buffer.from('ü'));
    expect(at).toBeGreaterThan(0);
    const latin1 = Buffer.concat([utf8Line.subarray(0, at), Buffer.from([0xfc]), utf8Line.subarray(at + 2)]);
    await send(big);
    await send(latin1);
    await waitFor(() => deps.target.errors().length + deps.target.records().length === 2, 'both datagrams');
    expect(deps.target.errors()).toEqual([expect.objectContaining({ code: 'FRAME_TOO_LARGE' })]);
    expect(deps.target.records()[0]!.equals(latin1)).toBe(true);
    expect(await valueOf(deps.metrics.invalidUtf8, { input: 'syslog-udp' })).toBe(1);
  });

  it('submits what is pending when closed, without waiting for the flush timer', async () => {
    const deps = testDeps();
    const { input, send } = await startInput(deps, { flushMs: 60_000 });
    for (const c of udpFiles.slice(0, 3)) await send(readCapture(c.file));
    await new Promise((r) => setTimeout(r, 50));
    expect(deps.target.calls).toBe(0);
    await input.close();
    expect(deps.target.records()).toHaveLength(3);
  });

  it('listens on IPv6 when given a bracketed address', async () => {
    const probe = createSocket('udp6');
    const ok6 = await new Promise<boolean>((resolve) => { probe.once('error', () => resolve(false)); probe.bind(0, '::1', () => resolve(true)); });
    probe.close();
    if (!ok6) { console.warn('skipping the IPv6 UDP check: ::1 is not available on this host'); return; }
    const deps = testDeps();
    const { input, send } = await startInput(deps, { address: '[::1]:0', flushMs: 5 });
    expect(input.address).toMatch(/^\[::1\]:\d+$/);
    await send(readCapture(udpFiles[0]!.file));
    await waitFor(() => deps.target.records().length === 1, 'the IPv6 datagram');
    expect(deps.target.batches[0]!.ecs).toEqual([{ 'log.source.address': `[::1]:${clients[0]!.address().port}` }]);
  });

  it('refuses a port in use with PORT_IN_USE and a malformed address with CONFIG_INVALID', async () => {
    const deps = testDeps();
    const { input } = await startInput(deps);
    await expect(new SyslogUdpInput({ ...deps, address: input.address }).start()).rejects.toMatchObject({ code: 'PORT_IN_USE' });
    await expect(new SyslogUdpInput({ ...deps, address: '::1:514' }).start()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
