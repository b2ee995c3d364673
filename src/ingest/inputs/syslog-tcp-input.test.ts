import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { loadCaptures, readCapture, testDeps, valueOf, waitFor } from './input-test-kit.js';
import { SyslogTcpInput, type SyslogTcpInputOptions } from './syslog-tcp-input.js';

const captures = loadCaptures();
const tcpFiles = (captures ?? []).filter((c) => c.transport === 'tcp');

/** The messages of a capture, cut by hand from the manifest's framing (independently of SyslogFramer). */
function expectedMessages(bytes: Buffer, framing: string): Buffer[] {
  const out: Buffer[] = [];
  const trim = (b: Buffer) => (b.at(-1) === 0x0a ? b.subarray(0, -1) : b);
  if (framing.startsWith('octet counting')) {
    let pos = 0;
    while (pos < bytes.length) {
      const sp = bytes.indexOf(0x20, pos);
      const len = Number(bytes.subarray(pos, sp).toString('ascii'));
      out.push(trim(bytes.subarray(sp + 1, sp + 1 + len)));
      pos = sp + 1 + len;
    }
    return out;
  }
  for (const line of bytes.toString('latin1').split('\n')) if (line !== '') out.push(Buffer.from(line, 'latin1'));
  return out;
}

const started: SyslogTcpInput[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const i of started.splice(0)) await i.close();
});

async function startInput(deps: ReturnType<typeof testDeps>, extra: Partial<SyslogTcpInputOptions> = {}): Promise<SyslogTcpInput> {
  const input = new SyslogTcpInput({ ...deps, address: '127.0.0.1:0', flushMs: 5, ...extra });
  started.push(input);
  await input.start();
  return input;
}

function client(input: SyslogTcpInput): Promise<Socket> {
  const port = Number(input.address.split(':').pop());
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.setNoDelay(true);
    s.on('error', reject);
    sockets.push(s);
  });
}

const ended = (s: Socket) => new Promise<void>((resolve) => s.end(resolve));

/** Deterministic pseudo-random numbers, so a failing split can be replayed. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe.runIf(captures)('SyslogTcpInput on real captures', () => {
  it.each(tcpFiles.map((c) => [c.file, c] as const))('frames %s as the manifest says, written whole', async (_file, capture) => {
    const deps = testDeps();
    const input = await startInput(deps);
    const bytes = readCapture(capture.file);
    const s = await client(input);
    const sender = `127.0.0.1:${s.localPort}`;
    s.write(bytes);
    await ended(s);
    const want = expectedMessages(bytes, capture.framing);
    expect(want).toHaveLength(capture.messages);
    await waitFor(() => deps.target.records().length === want.length, `${capture.messages} messages`);
    expect(deps.target.records()).toEqual(want);
    expect(deps.target.errors()).toEqual([]);
    expect(deps.target.batches.every((b) => b.input === 'syslog-tcp' && b.org === 'member-1')).toBe(true);
    // Every record of the connection carries its peer's address for the event, even the last ones
    // submitted after the socket closed.
    expect(deps.target.batches.flatMap((b) => b.ecs)).toEqual(want.map(() => ({ 'log.source.address': sender })));
  });

  it('frames every capture the same when written in random chunks, several connections at once', async () => {
    const deps = testDeps();
    const input = await startInput(deps);
    const rnd = lcg(20261125);
    await Promise.all(tcpFiles.map(async (capture) => {
      const bytes = readCapture(capture.file);
      const s = await client(input);
      for (let pos = 0; pos < bytes.length;) {
        const n = 1 + Math.floor(rnd() * 97);
        s.write(bytes.subarray(pos, pos + n));
        pos += n;
        await new Promise((r) => setTimeout(r, rnd() < 0.3 ? 1 : 0));
      }
      await ended(s);
    }));
    const want = tcpFiles.flatMap((c) => expectedMessages(readCapture(c.file), c.framing).map((b) => b.toString('base64')));
    await waitFor(() => deps.target.records().length === want.length, 'every message');
    await new Promise((r) => setTimeout(r, 30));
    expect(deps.target.records().map((b) => b.toString('base64')).sort()).toEqual(want.sort());
    expect(deps.target.errors()).toEqual([]);
  });

  it('pauses a connection while its submission is pending, then delivers everything exactly once and in order', async () => {
    const deps = testDeps();
    const input = await startInput(deps, { maxBatch: 500 });
    const line = expectedMessages(readCapture('logger-tcp-rfc5424-lf.tcp'), 'LF');
    const lines: Buffer[] = [];
    for (let i = 0; lines.length * 200 < 8 * 1024 * 1024; i++) lines.push(Buffer.concat([line[i % line.length]!, Buffer.from(` #${i}`)]));
    const payload = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
    deps.target.hold();
    const s = await client(input);
    s.write(payload);
    await waitFor(() => input.connections()[0]?.paused === true, 'the connection to pause');
    await new Promise((r) => setTimeout(r, 200));
    const before = input.connections()[0]!;
    await new Promise((r) => setTimeout(r, 200));
    const after = input.connections()[0]!;
    // Held: reading stopped far short of the payload, and did not move while the submission waited.
    expect(after.paused).toBe(true);
    expect(after.bytesRead).toBe(before.bytesRead);
    expect(after.bytesRead).toBeLessThan(payload.length / 4);
    expect(deps.target.calls).toBe(1);
    expect(await valueOf(deps.metrics.pauses, { input: 'syslog-tcp' })).toBeGreaterThan(0);

    const releasedAt = performance.now();
    deps.target.release();
    await ended(s);
    await waitFor(() => deps.target.records().length >= lines.length, 'every line', 20_000);
    const ms = performance.now() - releasedAt;
    console.log(`backpressure: held connection read ${after.bytesRead} of ${payload.length} bytes; after release ${lines.length} lines in ${ms.toFixed(0)} ms (${Math.round(lines.length / (ms / 1000))} lines/s through the listener alone)`);
    await new Promise((r) => setTimeout(r, 30));
    const got = deps.target.records();
    expect(got.length).toBe(lines.length);
    expect(got.every((b, i) => b.equals(lines[i]!))).toBe(true);
    expect(deps.target.batches.every((b) => b.records.length <= 500)).toBe(true);
  });

  it('retries a RATE_LIMITED batch with reading paused and loses nothing', async () => {
    const deps = testDeps();
    const input = await startInput(deps, { retryDelayMs: 20 });
    deps.target.refuse(3, new ShieldwallError('RATE_LIMITED', 'detection backlog is full'));
    const bytes = readCapture('rsyslog-tcp-rfc5424-octet.tcp');
    const s = await client(input);
    s.write(bytes);
    await waitFor(() => deps.target.calls >= 2, 'a retry');
    expect(input.connections()[0]?.paused).toBe(true);
    await ended(s);
    await waitFor(() => deps.target.records().length === 8, 'the 8 messages');
    expect(deps.target.records()).toEqual(expectedMessages(bytes, 'octet counting'));
    expect(await valueOf(deps.metrics.retries, { input: 'syslog-tcp', reason: 'RATE_LIMITED' })).toBe(3);
    expect(await valueOf(deps.metrics.dropped, { input: 'syslog-tcp', reason: 'RATE_LIMITED' })).toBe(0);
  });

  it('drops and counts a batch after maxAttempts failures of another kind, and the connection keeps working', async () => {
    const deps = testDeps();
    const input = await startInput(deps, { retryDelayMs: 1, maxAttempts: 3 });
    deps.target.refuse(3, new ShieldwallError('STORE_UNAVAILABLE', 'database is down'));
    const bytes = readCapture('logger-tcp-rfc3164-lf.tcp');
    const s = await client(input);
    s.write(bytes);
    await waitFor(async () => (await valueOf(deps.metrics.dropped, { input: 'syslog-tcp', reason: 'STORE_UNAVAILABLE' })) === 3, 'the drop');
    s.write(bytes);
    await waitFor(() => deps.target.records().length === 3, 'the next lines');
    expect(deps.logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('rejects giant lines from one client (logged once) while another client on the same listener keeps working', async () => {
    const deps = testDeps();
    const input = await startInput(deps, { maxFrameBytes: 1024 });
    const good = readCapture('logger-tcp-rfc5424-lf.tcp');
    const bad = await client(input);
    const other = await client(input);
    const giant = Buffer.alloc(200_000, 'A');
    bad.write(Buffer.concat([Buffer.from('<13>1 - - - - - - '), giant, Buffer.from('\n'), giant, Buffer.from('\n'), good]));
    other.write(good);
    await Promise.all([ended(bad), ended(other)]);
    await waitFor(() => deps.target.records().length === 6, 'the good lines of both clients');
    expect(deps.target.errors().map((e) => e.code)).toEqual(['FRAME_TOO_LARGE', 'FRAME_TOO_LARGE']);
    const want = expectedMessages(good, 'LF').map((b) => b.toString('base64'));
    expect(deps.target.records().map((b) => b.toString('base64')).sort()).toEqual([...want, ...want].sort());
    const logged = deps.logger.lines.filter((l) => l.msg === 'syslog frame rejected');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.obj).toMatchObject({ code: 'FRAME_TOO_LARGE', source: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
  });

  it('counts invalid UTF-8, flushes an unterminated last line on close and reports a truncated octet frame', async () => {
    const deps = testDeps();
    const input = await startInput(deps);
    const lines = expectedMessages(readCapture('logger-tcp-rfc3164-lf.tcp'), 'LF');
    const a = await client(input);
    a.write(Buffer.concat([lines[0]!, Buffer.from([0x20, 0xff, 0xfe, 0x0a]), lines[1]!]));
    await ended(a);
    const b = await client(input);
    b.write(Buffer.concat([Buffer.from(`${lines[2]!.length} `), lines[2]!, Buffer.from('500 <13>1 partial')]));
    await ended(b);
    await waitFor(() => deps.target.records().length === 3 && deps.target.errors().length === 1, 'both connections');
    expect(deps.target.records()[1]!.equals(lines[1]!)).toBe(true);
    expect(deps.target.errors()[0]!.code).toBe('FRAME_TRUNCATED');
    expect(await valueOf(deps.metrics.invalidUtf8, { input: 'syslog-tcp' })).toBe(1);
  });

  it('closes connections beyond maxConnections at once and counts them', async () => {
    const deps = testDeps();
    const input = await startInput(deps, { maxConnections: 1 });
    const first = await client(input);
    await waitFor(() => input.connections().length === 1, 'the first connection');
    const second = await client(input);
    await new Promise<void>((resolve) => second.on('close', () => resolve()));
    expect(await valueOf(deps.metrics.connectionsRefused, { input: 'syslog-tcp' })).toBe(1);
    first.write(readCapture('logger-tcp-rfc5424-octet.tcp'));
    await waitFor(() => deps.target.records().length === 3, 'the first client still served');
  });

  it('closes connections of one sender beyond maxConnectionsPerSource while other senders still get in', async () => {
    const deps = testDeps();
    const input = await startInput(deps, { maxConnectionsPerSource: 2, flushMs: 5 });
    const port = Number(input.address.split(':').pop());
    const from = (localAddress: string) =>
      new Promise<Socket>((resolve, reject) => {
        const s = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(s));
        s.on('error', reject);
        sockets.push(s);
      });
    const [a, b, c] = [await from('127.0.0.2'), await from('127.0.0.2'), await from('127.0.0.2')];
    await new Promise<void>((resolve) => c.on('close', () => resolve()));
    const other = await from('127.0.0.3');
    const line = expectedMessages(readCapture('logger-tcp-rfc5424-lf.tcp'), 'LF')[0]!;
    for (const s of [a, b, other]) s.end(Buffer.concat([line, Buffer.from('\n')]));
    await waitFor(() => deps.target.records().length === 3, 'a line from each admitted connection');
    expect(await valueOf(deps.metrics.connectionsRefused, { input: 'syslog-tcp' })).toBe(1);
    expect(deps.logger.lines.filter((l) => l.msg.includes('too many connections from this sender'))).toHaveLength(1);
    // Once they closed, the sender may connect again.
    await waitFor(() => input.connections().length === 0, 'the connections to close');
    const again = await from('127.0.0.2');
    again.end(Buffer.concat([line, Buffer.from('\n')]));
    await waitFor(() => deps.target.records().length === 4, 'the line of the new connection');
  });

  it('stops retrying RATE_LIMITED after maxAttempts once the listener closes, counting the drop, so shutdown cannot hang', async () => {
    const deps = testDeps();
    const input = await startInput(deps, { retryDelayMs: 5, maxRetryDelayMs: 5, maxAttempts: 3 });
    deps.target.refuse(Number.MAX_SAFE_INTEGER, new ShieldwallError('RATE_LIMITED', 'detection backlog is full'));
    const s = await client(input);
    s.write(readCapture('logger-tcp-rfc5424-lf.tcp'));
    await waitFor(() => deps.target.calls >= 5, 'retries beyond maxAttempts while open');
    expect(await valueOf(deps.metrics.dropped, { input: 'syslog-tcp', reason: 'RATE_LIMITED' })).toBe(0);
    await input.close();
    expect(await valueOf(deps.metrics.dropped, { input: 'syslog-tcp', reason: 'RATE_LIMITED' })).toBe(3);
  });

  it('submits what was framed when the listener closes', async () => {
    const deps = testDeps();
    const input = await startInput(deps, { flushMs: 60_000 });
    const s = await client(input);
    s.write(readCapture('logger-tcp-rfc5424-lf.tcp'));
    await waitFor(() => (input.connections()[0]?.queued ?? 0) === 3, 'the frames to be read');
    await input.close();
    expect(deps.target.records()).toHaveLength(3);
  });
});

let tlsDir: string | undefined;
const tlsFiles = (() => {
  if (!captures) return undefined;
  try {
    tlsDir = mkdtempSync(path.join(tmpdir(), 'sw-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', path.join(tlsDir, 'key.pem'), '-out', path.join(tlsDir, 'cert.pem')], { stdio: 'ignore' });
    return { cert: readFileSync(path.join(tlsDir, 'cert.pem')), key: readFileSync(path.join(tlsDir, 'key.pem')) };
  } catch (err) {
    console.warn(`skipping syslog TLS tests: openssl could not make a test certificate (${(err as Error).message})`);
    return undefined;
  }
})();
afterAll(() => { if (tlsDir) rmSync(tlsDir, { recursive: true, force: true }); });

describe.runIf(tlsFiles)('SyslogTcpInput over TLS (RFC 5425)', () => {
  it('receives real octet-counted frames over TLS and survives a client that fails the handshake', async () => {
    const deps = testDeps();
    const input = await startInput(deps, { tls: tlsFiles! });
    expect(input.input).toBe('syslog-tls');
    const port = Number(input.address.split(':').pop());
    const plain = await client(input);
    plain.write('<13>1 not a TLS client hello\n');
    await new Promise<void>((resolve) => plain.on('close', () => resolve()));

    const bytes = readCapture('rsyslog-tcp-rfc5424-octet.tcp');
    const s = tlsConnect({ port, host: '127.0.0.1', ca: tlsFiles!.cert, servername: 'localhost' });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => { s.once('secureConnect', () => resolve()); s.once('error', reject); });
    const sender = `127.0.0.1:${s.localPort}`;
    s.write(bytes);
    await new Promise<void>((resolve) => s.end(resolve));
    await waitFor(() => deps.target.records().length === 8, 'the 8 messages');
    expect(deps.target.records()).toEqual(expectedMessages(bytes, 'octet counting'));
    expect(deps.target.batches.every((b) => b.input === 'syslog-tls')).toBe(true);
    expect(deps.target.batches.flatMap((b) => b.ecs)).toEqual(Array.from({ length: 8 }, () => ({ 'log.source.address': sender })));
    expect(deps.logger.lines.some((l) => l.msg === 'syslog TLS handshake failed')).toBe(true);
  });

  it('closes a client that never completes the handshake after handshakeTimeoutMs, so its slot frees for others', async () => {
    const deps = testDeps();
    const input = await startInput(deps, { tls: tlsFiles!, maxConnections: 1, handshakeTimeoutMs: 300 });
    const port = Number(input.address.split(':').pop());
    const idle = await client(input); // connects, then says nothing
    const idleClosed = new Promise<number>((resolve) => idle.on('close', () => resolve(Date.now())));
    const started = Date.now();
    expect((await idleClosed) - started).toBeLessThan(5000);
    expect(deps.logger.lines.some((l) => l.msg === 'syslog TLS handshake failed')).toBe(true);

    const bytes = readCapture('rsyslog-tcp-rfc5424-octet.tcp');
    const s = tlsConnect({ port, host: '127.0.0.1', ca: tlsFiles!.cert, servername: 'localhost' });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => { s.once('secureConnect', () => resolve()); s.once('error', reject); });
    await new Promise<void>((resolve) => s.end(bytes, resolve));
    await waitFor(() => deps.target.records().length === expectedMessages(bytes, 'octet counting').length, 'the frames of the next client');
  });
});
