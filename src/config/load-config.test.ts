import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShieldwallError } from '../errors/error-catalog.js';
import { loadConfig } from './load-config.js';

function configError(fn: () => unknown): ShieldwallError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ShieldwallError) return err;
    throw err;
  }
  throw new Error('expected a config error');
}

describe('loadConfig', () => {
  it('defaults to the embedded store and in-process bus under ./data', () => {
    const c = loadConfig({ env: {} });
    expect(c.db.url).toBe(`sqlite:${path.join('./data', 'shieldwall.db')}`);
    expect(c.bus.url).toBe('memory:');
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(c.content.sigmaDir.endsWith(path.join('content', 'sigma'))).toBe(true);
  });

  it('places the database under an overridden data directory', () => {
    const c = loadConfig({ env: { SHIELDWALL_DATA_DIR: '/var/lib/sw' } });
    expect(c.db.url).toBe('sqlite:/var/lib/sw/shieldwall.db');
  });

  it('switches to PostgreSQL and NATS from the environment', () => {
    const c = loadConfig({
      env: { SHIELDWALL_DB_URL: 'postgres://127.0.0.1:5432/test', SHIELDWALL_BUS_URL: 'nats://127.0.0.1:4222' },
    });
    expect(c.db.url).toBe('postgres://127.0.0.1:5432/test');
    expect(c.bus.url).toBe('nats://127.0.0.1:4222');
  });

  it('names the variable when an integer is malformed', () => {
    const err = configError(() => loadConfig({ env: { SHIELDWALL_PORT: '80a' } }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('SHIELDWALL_PORT');
  });

  it('names the key and source when a value is out of range', () => {
    const err = configError(() => loadConfig({ env: { SHIELDWALL_PORT: '70000' } }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.details.key).toBe('http.port');
    expect(err.message).toContain('env SHIELDWALL_PORT');
  });

  it('rejects an unknown database scheme', () => {
    const err = configError(() => loadConfig({ env: { SHIELDWALL_DB_URL: 'mysql://x' } }));
    expect(err.details.key).toBe('db.url');
  });

  it('reads YAML and JSON files, env over file, and rejects unknown keys with their names', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-config-'));
    const yml = path.join(dir, 'c.yaml');
    writeFileSync(yml, 'http:\n  port: 9000\n  host: 0.0.0.0\n');
    expect(loadConfig({ file: yml, env: {} }).http).toMatchObject({ port: 9000, host: '0.0.0.0' });
    expect(loadConfig({ file: yml, env: { SHIELDWALL_PORT: '9100' } }).http.port).toBe(9100);

    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"http": {"prot": 1}}');
    const err = configError(() => loadConfig({ file: bad, env: {} }));
    expect(err.message).toContain('prot');

    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"http": ');
    expect(configError(() => loadConfig({ file: broken, env: {} })).message).toContain(broken);
    expect(configError(() => loadConfig({ file: path.join(dir, 'none.json'), env: {} })).message).toContain(
      'does not exist',
    );
  });

  describe('syslog listeners', () => {
    const yaml = (text: string) => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'sw-config-')), 'c.yaml');
      writeFileSync(file, text);
      return file;
    };

    it('are off by default, with a 4 MiB UDP receive buffer asked', () => {
      expect(loadConfig({ env: {} }).ingest.syslog).toEqual({ udp: null, tcp: null, tls: null, org: 'authority', udpReceiveBufferBytes: 4 * 1024 * 1024 });
    });

    it('take TLS from SHIELDWALL_SYSLOG_TLS* and from start flags, flags over env', () => {
      const env = { SHIELDWALL_SYSLOG_TLS: '0.0.0.0:6514', SHIELDWALL_SYSLOG_TLS_CERT: '/etc/sw/c.pem', SHIELDWALL_SYSLOG_TLS_KEY: '/etc/sw/k.pem', SHIELDWALL_SYSLOG_UDP_RECV_BUFFER: '8388608' };
      const c = loadConfig({ env });
      expect(c.ingest.syslog.tls).toEqual({ address: '0.0.0.0:6514', cert: '/etc/sw/c.pem', key: '/etc/sw/k.pem' });
      expect(c.ingest.syslog.udpReceiveBufferBytes).toBe(8388608);
      const f = loadConfig({ env, overrides: { syslogTls: '127.0.0.1:6514', syslogTlsCa: '/etc/sw/ca.pem' } });
      expect(f.ingest.syslog.tls).toEqual({ address: '127.0.0.1:6514', cert: '/etc/sw/c.pem', key: '/etc/sw/k.pem', ca: '/etc/sw/ca.pem' });
    });

    it('name the missing TLS key and the flag that started the listener', () => {
      const err = configError(() => loadConfig({ env: {}, overrides: { syslogTls: '0.0.0.0:6514', syslogTlsCert: '/c.pem' } }));
      expect(err.code).toBe('CONFIG_INVALID');
      expect(err.details.key).toBe('ingest.syslog.tls');
      expect(err.message).toMatch(/ingest\.syslog\.tls \(from --syslog-tls\) .*key/);
    });

    it('accept the long form with sender rules, and an address from the env or a flag keeps them', () => {
      const file = yaml('ingest:\n  syslog:\n    udp:\n      address: 0.0.0.0:514\n      org: member-1\n      senders:\n        - { cidr: 10.2.0.0/16, org: member-2 }\n    tcp: 0.0.0.0:601\n');
      expect(loadConfig({ file, env: {} }).ingest.syslog).toMatchObject({
        udp: { address: '0.0.0.0:514', org: 'member-1', senders: [{ cidr: '10.2.0.0/16', org: 'member-2' }] },
        tcp: '0.0.0.0:601',
      });
      const env = loadConfig({ file, env: { SHIELDWALL_SYSLOG_UDP: '127.0.0.1:5514', SHIELDWALL_SYSLOG_TCP: '127.0.0.1:5514' } }).ingest.syslog;
      expect(env.udp).toEqual({ address: '127.0.0.1:5514', org: 'member-1', senders: [{ cidr: '10.2.0.0/16', org: 'member-2' }] });
      expect(env.tcp).toBe('127.0.0.1:5514');
      expect(loadConfig({ file, env: {}, overrides: { syslogUdp: '[::]:514' } }).ingest.syslog.udp).toMatchObject({ address: '[::]:514', org: 'member-1' });
    });

    it('point at the broken field of a sender rule', () => {
      const err = configError(() => loadConfig({ file: yaml('ingest:\n  syslog:\n    tcp:\n      address: 0.0.0.0:601\n      senders:\n        - { cidr: 10.2.0.0/16 }\n'), env: {} }));
      expect(err.details.key).toBe('ingest.syslog.tcp.senders.0');
      expect(err.message).toContain('org');
      const kind = configError(() => loadConfig({ file: yaml('ingest:\n  syslog:\n    udp: 514\n'), env: {} }));
      expect(kind.message).toMatch(/ingest\.syslog\.udp \(from file .*\) must be string, object or null/);
    });
  });
});

