import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../config/index.js';
import { IngestMetrics } from '../pipeline/ingest-metrics.js';
import { ListLogger, loadCaptures, readCapture, RecordingTarget, testDeps, waitFor } from './input-test-kit.js';
import { SyslogListeners } from './syslog-listeners.js';
import { makeTestPki, pem } from './test-pki.js';

function ingestConfig(syslog: Partial<Config['ingest']['syslog']>): Pick<Config['ingest'], 'maxLineBytes' | 'syslog'> {
  return { maxLineBytes: 4096, syslog: { udp: null, tcp: null, tls: null, org: 'member-1', udpReceiveBufferBytes: 256 * 1024, ...syslog } };
}

function deps(target = new RecordingTarget()) {
  const registry = new Registry();
  return { ingest: target, registry, dropped: new IngestMetrics(registry).dropped, logger: new ListLogger(), clock: testDeps().clock };
}

describe('SyslogListeners', () => {
  it('starts nothing and registers no metric when no listener is configured', async () => {
    const d = deps();
    const listeners = await SyslogListeners.start(ingestConfig({}), d);
    expect(listeners.addresses).toEqual({});
    expect(await d.registry.metrics()).not.toContain('shieldwall_syslog_');
    await listeners.close();
  });

  it('starts UDP and TCP from the config, stamps the configured org and closes both', async () => {
    const target = new RecordingTarget();
    const d = deps(target);
    const listeners = await SyslogListeners.start(ingestConfig({ udp: '127.0.0.1:0', tcp: '127.0.0.1:0', org: 'org-7' }), d);
    expect(listeners.addresses).toEqual({ udp: expect.stringMatching(/^127\.0\.0\.1:\d+$/), tcp: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    const udpPort = Number(listeners.addresses.udp!.split(':')[1]);
    const tcpPort = Number(listeners.addresses.tcp!.split(':')[1]);
    const u = createSocket('udp4');
    await new Promise<void>((resolve) => u.send('<13>1 2026-11-25T20:00:00Z h app - - - over udp', udpPort, '127.0.0.1', () => resolve()));
    u.close();
    const t = connect(tcpPort, '127.0.0.1');
    await new Promise<void>((resolve) => t.end('<13>1 2026-11-25T20:00:00Z h app - - - over tcp\n', () => resolve()));
    await waitFor(() => target.records().length === 2, 'one record per listener');
    expect(new Set(target.batches.map((b) => `${b.org}/${b.input}`))).toEqual(new Set(['org-7/syslog-udp', 'org-7/syslog-tcp']));
    await listeners.close();
    expect(await d.registry.metrics()).toContain('shieldwall_syslog_connections');
  });

  it('fails with CONFIG_INVALID naming the key when a TLS file is missing', async () => {
    const d = deps();
    const start = SyslogListeners.start(ingestConfig({ tcp: '127.0.0.1:0', tls: { address: '127.0.0.1:0', cert: '/nonexistent/cert.pem', key: '/nonexistent/key.pem' } }), d);
    await expect(start).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('ingest.syslog.tls.cert') });
  });

  it('refuses a malformed address before binding anything', async () => {
    await expect(SyslogListeners.start(ingestConfig({ udp: 'nope' }), deps())).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('maps senders to organisations per listener: first matching rule, then the listener org, then ingest.syslog.org', async () => {
    const target = new RecordingTarget();
    const d = deps(target);
    // Linux routes all of 127.0.0.0/8 to lo, so 127.0.0.2 and 127.0.0.3 are two distinct senders.
    const senders = [{ cidr: '127.0.0.2/32', org: 'member-2' }, { cidr: '127.0.0.3', org: 'member-3' }, { cidr: '127.0.0.2/31', org: 'shadowed' }];
    const listeners = await SyslogListeners.start(ingestConfig({
      udp: { address: '127.0.0.1:0', senders, org: 'udp-default' },
      tcp: { address: '127.0.0.1:0', senders },
    }), d);
    const port = (a: string | undefined) => Number(a!.split(':').pop());
    const line = (from: string, via: string) => `<13>1 2026-11-25T20:00:00Z h app - - - from ${from} over ${via}`;
    for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.1']) {
      const u = createSocket('udp4');
      await new Promise<void>((resolve) => u.bind({ address: from, port: 0 }, () => resolve()));
      await new Promise<void>((resolve, reject) => u.send(line(from, 'udp'), port(listeners.addresses.udp), '127.0.0.1', (err) => (err ? reject(err) : resolve())));
      u.close();
      const t = connect({ port: port(listeners.addresses.tcp), host: '127.0.0.1', localAddress: from });
      await new Promise<void>((resolve, reject) => { t.on('error', reject); t.end(`${line(from, 'tcp')}\n`, () => resolve()); });
    }
    await waitFor(() => target.records().length === 6, 'three senders on two listeners');
    const orgOf = new Map(target.batches.flatMap((b) => b.records.map((r) => [Buffer.from(r).toString().replace(/^.* from /, ''), b.org])));
    expect(Object.fromEntries(orgOf)).toEqual({
      '127.0.0.2 over udp': 'member-2',
      '127.0.0.3 over udp': 'member-3',
      '127.0.0.1 over udp': 'udp-default',
      '127.0.0.2 over tcp': 'member-2',
      '127.0.0.3 over tcp': 'member-3',
      '127.0.0.1 over tcp': 'member-1',
    });
    await listeners.close();
  });

  it('refuses a bad sender CIDR with CONFIG_INVALID naming the rule, before anything listens', async () => {
    const start = SyslogListeners.start(ingestConfig({ tcp: { address: '127.0.0.1:0', senders: [{ cidr: '10.0.0.0/99', org: 'x' }] } }), deps());
    await expect(start).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('ingest.syslog.tcp.senders[0].cidr') });
  });
});

const pki = makeTestPki(['fw1.member-2.example', 'fw9.unmapped.example']);
afterAll(() => pki?.remove());
const captures = loadCaptures();

describe.runIf(pki && captures)('SyslogListeners with mutual TLS', () => {
  it('requires a client certificate signed by the CA and maps its CN to an organisation', async () => {
    const target = new RecordingTarget();
    const d = deps(target);
    const tls = { address: '127.0.0.1:0', cert: pki!.serverCert, key: pki!.serverKey, ca: pki!.caCert, clientOrgs: [{ cn: 'fw1.member-2.example', org: 'member-2' }] };
    const listeners = await SyslogListeners.start(ingestConfig({ tls }), d);
    const port = Number(listeners.addresses.tls!.split(':').pop());
    const frames = readCapture('rsyslog-tcp-rfc5424-octet.tcp');
    const send = (client: { cert: string; key: string } | undefined) =>
      new Promise<void>((resolve, reject) => {
        const s = tlsConnect({ port, host: '127.0.0.1', servername: 'localhost', ca: pem(pki!.caCert), ...(client ? { cert: pem(client.cert), key: pem(client.key) } : {}) }, () => s.end(frames));
        s.on('error', reject);
        s.on('close', () => resolve());
      });
    await send(pki!.clients['fw1.member-2.example']);
    await send(pki!.clients['fw9.unmapped.example']);
    // Without a client certificate the handshake fails (TLS 1.3 reports it after the client's Finished).
    await send(undefined).catch(() => undefined);
    const expected = captures!.find((c) => c.file === 'rsyslog-tcp-rfc5424-octet.tcp')!.messages;
    await waitFor(() => target.records().length === 2 * expected, 'frames of both certified clients');
    await new Promise((r) => setTimeout(r, 50));
    expect(target.records()).toHaveLength(2 * expected);
    const byOrg = (org: string) => target.batches.filter((b) => b.org === org).reduce((n, b) => n + b.records.length, 0);
    // A CN that is not mapped falls back to the listener's default organisation.
    expect({ 'member-2': byOrg('member-2'), 'member-1': byOrg('member-1') }).toEqual({ 'member-2': expected, 'member-1': expected });
    expect(target.batches.every((b) => b.input === 'syslog-tls')).toBe(true);
    expect(d.logger.lines.some((l) => l.msg === 'syslog TLS handshake failed')).toBe(true);
    await listeners.close();
  });

  it('refuses clientOrgs without a CA, since no client certificate would be asked for', async () => {
    const tls = { address: '127.0.0.1:0', cert: pki!.serverCert, key: pki!.serverKey, clientOrgs: [{ cn: 'fw1.member-2.example', org: 'member-2' }] };
    await expect(SyslogListeners.start(ingestConfig({ tls }), deps())).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('ingest.syslog.tls.clientOrgs needs ingest.syslog.tls.ca') });
  });

  it('fails with CONFIG_INVALID naming ingest.syslog.tls.ca when the CA file is missing', async () => {
    const tls = { address: '127.0.0.1:0', cert: pki!.serverCert, key: pki!.serverKey, ca: '/nonexistent/ca.pem' };
    await expect(SyslogListeners.start(ingestConfig({ tls }), deps())).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('ingest.syslog.tls.ca') });
  });
});
