import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulePaths } from '../src/hunt/rule-loader.js';
import { readEvents } from '../src/hunt/read-events.js';
import { Detector, normalizeEvent } from '../src/sigma/index.js';
import { root, spawnCli, waitForOutput } from './cli-process.js';

const testdata = path.resolve(root, '../shared/testdata');
const indexFile = path.join(testdata, 'sigma-regression/index.json');
const haveData = existsSync(indexFile);
if (!haveData) console.warn(`skipping crash test: ${indexFile} is absent`);

const rulesDir = path.join(root, 'content/sigma/rules/windows/process_creation');

async function processCreationEvents(): Promise<Record<string, unknown>[]> {
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { rule_path: string; json_path: string | null }[];
  const events: Record<string, unknown>[] = [];
  for (const entry of index) {
    if (!entry.json_path || !entry.rule_path.includes('/process_creation/')) continue;
    for await (const r of readEvents(path.join(testdata, 'sigma-regression', entry.json_path))) events.push(r.raw);
  }
  return events;
}

/** Resolves once the process has exited (at once if it already has). */
function closed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function startNode(dir: string, env: Record<string, string> = {}) {
  const child = spawnCli(['start', '--port', '0', '--data-dir', dir], { SHIELDWALL_SIGMA_DIR: rulesDir, SHIELDWALL_LOG_LEVEL: 'silent', ...env });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const [, address] = await waitForOutput(child, /listening on (http:\/\/\S+)/, 60_000);
  for (let i = 0; i < 50 && !out.includes('Admin token') && !out.includes('API docs'); i++) await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 20 && !/Admin token.*\n/.test(out) && out.includes('First start'); i++) await new Promise((r) => setTimeout(r, 100));
  const token = /Admin token \(shown once, stored hashed\): (\S+)/.exec(out)?.[1];
  for (let i = 0; i < 50 && !out.includes('rules:'); i++) await new Promise((r) => setTimeout(r, 100));
  const requeued = Number(/re-queued (\d+) batches/.exec(out)?.[1] ?? 0);
  return { child, address: address!, token, requeued };
}

describe.runIf(haveData)('crash safety', () => {
  it('keeps every acknowledged event exactly once, and detects it, across a SIGKILL during sustained ingest', async () => {
    const events = await processCreationEvents();
    const body = JSON.stringify(events);
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-crash-'));
    // The first node only ingests (detection runs elsewhere in a scale-out deployment), so every
    // acknowledged batch is still pending detection when it is killed.
    const first = await startNode(dir, { SHIELDWALL_DETECT: 'false' });
    expect(first.token).toBeTruthy();
    const auth = { authorization: `Bearer ${first.token}` };

    // Sustained ingest: four senders, each batch with its own idempotency key.
    const acknowledged = new Map<string, string[]>();
    const attempted: string[] = [];
    const failures: string[] = [];
    let stop = false;
    let next = 0;
    const sender = async () => {
      while (!stop) {
        const key = `batch-${next++}`;
        attempted.push(key);
        try {
          const res = await fetch(`${first.address}/api/v1/events?ids=true`, {
            method: 'POST', body, headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key },
          });
          if (res.status === 202) acknowledged.set(key, ((await res.json()) as { ids: string[] }).ids);
          else failures.push(`${res.status} ${(await res.text()).slice(0, 200)}`);
        } catch {
          return; // the server died under us: this batch was not acknowledged
        }
      }
    };
    const senders = [sender(), sender(), sender(), sender()];
    const deadline = Date.now() + 60_000;
    while (acknowledged.size < 25) {
      if (Date.now() > deadline) throw new Error(`only ${acknowledged.size} batches acknowledged in 60 s (${attempted.length} attempted): ${failures.slice(0, 3).join('; ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const firstClosed = closed(first.child);
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(senders);
    await firstClosed;
    const ackedIds = new Set([...acknowledged.values()].flat());
    expect(ackedIds.size).toBe(acknowledged.size * events.length);

    // Restart on the same data; a client retries what was never acknowledged, with the same keys.
    const second = await startNode(dir);
    try {
      expect(second.token).toBeUndefined();
      expect(second.requeued).toBeGreaterThanOrEqual(acknowledged.size);
      for (const key of attempted.filter((k) => !acknowledged.has(k))) {
        const res = await fetch(`${second.address}/api/v1/events?ids=true`, {
          method: 'POST', body, headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key },
        });
        expect(res.status).toBe(202);
        for (const id of ((await res.json()) as { ids: string[] }).ids) ackedIds.add(id);
      }

      // Every event stored exactly once: page through all of them.
      const stored: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await fetch(`${second.address}/api/v1/events?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth });
        const page = (await res.json()) as { items: { id: string }[]; next: string | null };
        stored.push(...page.items.map((e) => e.id));
        cursor = page.next;
      } while (cursor);
      expect(stored.length).toBe(new Set(stored).size);
      expect(new Set(stored)).toEqual(ackedIds);

      // Every acknowledged event went through detection (re-queued after the crash): each alert the
      // rules give offline is stored, once.
      const rules = await loadRulePaths([rulesDir]);
      const detector = new Detector({ ruleSet: rules.ruleSet, correlations: rules.correlations });
      const perBatch = events.map((e) => detector.process(normalizeEvent(e)).filter((d) => d.kind === 'rule').length);
      const expectedAlerts = perBatch.reduce((a, b) => a + b, 0) * (ackedIds.size / events.length);
      expect(expectedAlerts).toBeGreaterThan(0);
      let alerts: { eventId: string; ruleId: string }[] = [];
      for (let i = 0; i < 300; i++) {
        alerts = [];
        let c: string | null = null;
        do {
          const res = await fetch(`${second.address}/api/v1/alerts?limit=1000${c ? `&cursor=${c}` : ''}`, { headers: auth });
          const page = (await res.json()) as { items: { eventId: string; ruleId: string }[]; next: string | null };
          alerts.push(...page.items);
          c = page.next;
        } while (c);
        if (alerts.length >= expectedAlerts) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const pairs = alerts.map((a) => `${a.eventId}|${a.ruleId}`);
      expect(new Set(pairs).size).toBe(pairs.length);
      expect(alerts.length).toBe(expectedAlerts);
      expect(alerts.every((a) => ackedIds.has(a.eventId))).toBe(true);
    } finally {
      const secondClosed = closed(second.child);
      second.child.kill('SIGTERM');
      await secondClosed;
    }
  }, 180_000);
});
