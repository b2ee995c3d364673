import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { isShieldwallError } from '../errors/error-catalog.js';
import { createLogger, startNode } from './runtime.js';

function config() {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-node-'));
  return loadConfig({ env: { SHIELDWALL_DATA_DIR: dir, SHIELDWALL_PORT: '0' } });
}

// Each start loads the full SigmaHQ rule set in the detection workers: 15-30 s per start on a
// loaded 2-core machine, so these multi-start tests get more than vitest's default 30 s.
describe('startNode', { timeout: 120_000 }, () => {
  it('creates the admin token on first start only, and keeps data across restarts', async () => {
    const c = config();
    const first = await startNode(c, { logger: createLogger('silent') });
    expect(first.firstStart?.token).toMatch(/^sw_/);
    const token = first.firstStart!.token;
    await first.close();

    const second = await startNode(c, { logger: createLogger('silent') });
    try {
      expect(second.firstStart).toBeNull();
      const res = await fetch(`${second.address}/api/v1/orgs`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { items: { id: string }[] }).items.map((o) => o.id)).toContain('authority');
    } finally {
      await second.close();
    }
  });

  it('drains in-flight requests on close and refuses new ones', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = async (app: FastifyInstance) => {
      app.get('/slow', async () => {
        await gate;
        return { done: true };
      });
    };
    const node = await startNode(config(), { logger: createLogger('silent'), routes: [slow] });
    const inFlight = fetch(`${node.address}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const closing = node.close();
    await new Promise((r) => setTimeout(r, 50));
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await closing;
    await expect(fetch(`${node.address}/healthz`)).rejects.toThrow();
  });

  it('reports a port in use as a catalogued error', async () => {
    const a = await startNode(config(), { logger: createLogger('silent') });
    try {
      const port = Number(new URL(a.address).port);
      const c = config();
      c.http.port = port;
      const err = await startNode(c, { logger: createLogger('silent') }).catch((e: unknown) => e);
      expect(isShieldwallError(err) && err.code).toBe('PORT_IN_USE');
    } finally {
      await a.close();
    }
  });
});
