import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestPki } from '../src/ingest/inputs/test-pki.js';
import { root, runCli, spawnCli, waitForOutput } from './cli-process.js';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'sw-tls-cli-'));
const syslogDir = path.resolve(root, '../shared/testdata/syslog');
const pki = makeTestPki(['fw1.member-1.example']);
afterAll(() => pki?.remove());

// No rules and no workers: this test is about the listener, and starts faster without them.
const lean = { SHIELDWALL_SIGMA_DIR: tempDir(), SHIELDWALL_DETECTION_WORKERS: '0' };

describe.runIf(pki)('shieldwall start --syslog-tls', () => {
  it('refuses a TLS listener without a key, naming the flag, with exit 1', async () => {
    const res = await runCli(['start', '--port', '0', '--data-dir', tempDir(), '--syslog-tls', '127.0.0.1:0', '--syslog-tls-cert', pki!.serverCert], lean);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/ingest\.syslog\.tls \(from --syslog-tls\).*key/);
  }, 60_000);

  it('receives real frames over mutual TLS set by flags and SHIELDWALL_SYSLOG_TLS_* and stores them', async () => {
    const env = { ...lean, SHIELDWALL_SYSLOG_TLS_CERT: pki!.serverCert, SHIELDWALL_SYSLOG_TLS_KEY: pki!.serverKey };
    const child = spawnCli(['start', '--port', '0', '--data-dir', tempDir(), '--syslog-tls', '127.0.0.1:0', '--syslog-tls-ca', pki!.caCert], env);
    try {
      // The whole banner at once: it names the TLS listener before the first-start token.
      const banner = (await waitForOutput(child, /Admin token \(shown once, stored hashed\): sw_\S+/s, 50_000)).input!;
      const address = /listening on (http:\/\/\S+)/.exec(banner)?.[1];
      const [, tlsAddress, routing] = /syslog\/tls on (\S+) \(([^)]*)\)/.exec(banner) ?? [];
      const token = /Admin token \(shown once, stored hashed\): (sw_\S+)/.exec(banner)?.[1];
      expect(routing).toBe('org authority, mutual TLS');
      const frames = readFileSync(path.join(syslogDir, 'rsyslog-tcp-rfc5424-octet.tcp'));
      const manifest = JSON.parse(readFileSync(path.join(syslogDir, 'manifest.json'), 'utf8')) as { file: string; messages: number }[];
      const expected = manifest.find((m) => m.file === 'rsyslog-tcp-rfc5424-octet.tcp')!.messages;
      const client = pki!.clients['fw1.member-1.example']!;
      await new Promise<void>((resolve, reject) => {
        const s = tlsConnect({
          port: Number(tlsAddress!.split(':').pop()), host: '127.0.0.1', servername: 'localhost',
          ca: readFileSync(pki!.caCert), cert: readFileSync(client.cert), key: readFileSync(client.key),
        }, () => s.end(frames));
        s.on('error', reject);
        s.on('close', () => resolve());
      });
      let stored = 0;
      for (let i = 0; i < 100 && stored < expected; i++) {
        const res = await fetch(`${address}/api/v1/events?source=syslog-tls&limit=500`, { headers: { authorization: `Bearer ${token}` } });
        stored = ((await res.json()) as { items?: unknown[]; events?: unknown[] }).items?.length ?? 0;
        if (stored < expected) await new Promise((r) => setTimeout(r, 100));
      }
      expect(stored).toBe(expected);
    } finally {
      await new Promise<void>((resolve) => {
        child.on('close', () => resolve());
        child.kill('SIGTERM');
      });
    }
  }, 90_000); // a node start takes 20 s and more on a loaded 2-core machine
});
