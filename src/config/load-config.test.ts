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
});
