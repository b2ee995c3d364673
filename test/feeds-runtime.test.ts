import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { createLogger, startNode } from '../src/server/runtime.js';
import { createStore, orgScope } from '../src/store/index.js';
import { root } from './cli-process.js';
import { manualPollTimer } from '../src/intel/feeds/poll-timer-test-kit.js';

// `shieldwall start` polls feed subscriptions on its own: a subscription stored beforehand is
// polled on the node's first tick (driven here through an injected timer), and closing the node
// cancels the next tick.
const feedExample = path.join(root, '../shared/testdata/misp/feed-example');
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('feed polling in a running node', () => {
  it('polls a due subscription on its tick and stops with the node', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-feeds-node-'));
    dirs.push(dir);
    const config = loadConfig({ env: { SHIELDWALL_DATA_DIR: dir, SHIELDWALL_PORT: '0' } });
    const setup = await createStore(config.db.url);
    await setup.migrate();
    await setup.scoped(orgScope('cert-a')).organisations.create({ id: 'cert-a', name: 'CERT A' });
    await setup.scoped(orgScope('cert-a')).feeds.create({ id: 'circl', orgId: 'cert-a', kind: 'misp-feed', url: feedExample, intervalS: 3600 });
    await setup.close();

    const { timer, pending } = manualPollTimer();
    const node = await startNode(config, { logger: createLogger('silent'), pollTimer: timer });
    try {
      expect(pending.map((p) => p.ms)).toEqual([0]);
      pending.shift()!.fn();
      const deadline = Date.now() + 60_000;
      let sub = await node.store.scoped(orgScope('cert-a')).feeds.get('circl');
      while (sub?.lastPolledAt === null && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        sub = await node.store.scoped(orgScope('cert-a')).feeds.get('circl');
      }
      expect(sub).toMatchObject({ lastError: null });
      expect(Object.keys(JSON.parse(sub!.cursor!))).toHaveLength(11);
      expect(await node.store.scoped(orgScope('cert-a')).intel.objects.get('report--57c4445b-c548-4654-af0b-4be3950d210f')).not.toBeNull();
      await new Promise((r) => setTimeout(r, 50));
      expect(pending.map((p) => p.ms)).toEqual([10_000]);
    } finally {
      await node.close();
    }
    expect(pending).toEqual([]);
  }, 120_000);
});
