import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../config/index.js';
import { IngestMetrics } from '../pipeline/ingest-metrics.js';
import { ListLogger, RecordingTarget, testDeps, waitFor } from './input-test-kit.js';
import { SyslogListeners } from './syslog-listeners.js';

function ingestConfig(syslog: Partial<Config['ingest']['syslog']>): Pick<Config['ingest'], 'maxLineBytes' | 'syslog'> {
  return { maxLineBytes: 4096, syslog: { udp: null, tcp: null, tls: null, org: 'member-1', ...syslog } };
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
});
