import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli, waitForOutput } from './cli-process.js';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'sw-cli-'));

describe('shieldwall CLI', () => {
  it('prints help with exit 0 and answers a usage error with exit 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('start');
    expect(help.stdout).toContain('token');
    const usage = await runCli(['token', 'create', '--org', 'acme']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--role');
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
  });

  it('creates a token as JSON and lists it without its secret', async () => {
    const dir = tempDir();
    const created = await runCli(['token', 'create', '--org', 'acme', '--role', 'analyst', '--format', 'json', '--data-dir', dir]);
    expect(created.code).toBe(0);
    const body = JSON.parse(created.stdout);
    expect(body.token).toMatch(/^sw_[0-9a-f]{16}_/);
    expect(body).toMatchObject({ org: 'acme', role: 'analyst' });
    const listed = await runCli(['token', 'list', '--org', 'acme', '--format', 'json', '--data-dir', dir]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(body.id);
    expect(listed.stdout).not.toContain(body.token.slice(20));
  });

  it('fails with one precise line on invalid configuration', async () => {
    const res = await runCli(['migrate', '--data-dir', tempDir()], { SHIELDWALL_DB_URL: 'mysql://nope' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('db.url');
    const badPort = await runCli(['start', '--data-dir', tempDir()], { SHIELDWALL_PORT: 'eighty' });
    expect(badPort.code).toBe(1);
    expect(badPort.stderr).toContain('SHIELDWALL_PORT');
  });

  it('fails with one precise line when PostgreSQL is unreachable', async () => {
    const res = await runCli(['migrate'], { SHIELDWALL_DB_URL: 'postgres://127.0.0.1:1/none' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/PostgreSQL|postgres/i);
  });

  it('fails with one precise line when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const res = await runCli(['start', '--port', String(port), '--data-dir', tempDir()]);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`port ${port}`);
      expect(res.stderr).toContain('already in use');
      expect(res.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('starts on the embedded store, prints the admin token on first start only, and stops cleanly', async () => {
    const dir = tempDir();
    const printed: string[] = [];
    for (const round of [0, 1]) {
      const child = spawnCli(['start', '--port', '0', '--data-dir', dir]);
      let all = '';
      child.stdout!.on('data', (d: Buffer) => (all += d.toString()));
      // A start takes 20-22 s on a loaded 2-core machine; 60 s leaves room without hiding a hang.
      const [, address] = await waitForOutput(child, /listening on (http:\/\/\S+)/, 60_000);
      // The banner is written right after the listening line; give the pipe a moment to deliver it.
      for (let i = 0; i < 50 && round === 0 && !all.includes('Admin token'); i++) await new Promise((r) => setTimeout(r, 100));
      const health = await fetch(`${address}/healthz`);
      expect(health.status).toBe(200);
      const code = await new Promise<number | null>((resolve) => {
        child.on('close', resolve);
        child.kill('SIGTERM');
      });
      expect(code).toBe(0);
      printed[round] = all;
    }
    const token = /Admin token \(shown once, stored hashed\): (sw_\S+)/.exec(printed[0]!)?.[1];
    expect(token).toMatch(/^sw_[0-9a-f]{16}_/);
    expect(printed[1]).toContain('listening on');
    expect(printed[1]).not.toContain('Admin token');
    expect(printed[1]).not.toContain(token!);
  }, 150_000); // two node starts of up to 60 s each, plus their shutdowns
});
