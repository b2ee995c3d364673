/**
 * Early-warning latency: `npm run bench:early-warning [-- --bus nats://127.0.0.1:4222] [--n 50] [--workers 2] [--json]`.
 *
 * Per round: an indicator is stored without announcement (no detection thread holds it), an
 * analyst confirms it (`IntelService.confirmIndicator`: visibility check, audit entry, publish on
 * `<ns>.intel.indicators`), and one probe batch per detection worker thread is sent until every
 * worker answers it with an intel hit. The figure is confirm call → last worker matching. With
 * `--bus nats://…` the confirming service and the detection side use two NATS connections, as two
 * processes of a node would.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus, type Bus } from '../src/bus/index.js';
import { WorkerDetectionEngine } from '../src/ingest/pipeline/worker-detection-engine.js';
import type { EventBatch } from '../src/ingest/pipeline/pipeline-event.js';
import { buildSimpleIndicator, IndicatorBroadcast, IntelDetection, IntelService } from '../src/intel/index.js';
import { createStore, orgScope } from '../src/store/index.js';
import { systemClock } from '../src/shared/clock.js';
import { randomIds } from '../src/shared/ids.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const busUrl = arg('--bus', 'memory:');
const rounds = Number(arg('--n', '50'));
const workers = Number(arg('--workers', '2'));
const json = process.argv.includes('--json');
const log = (s: string) => process.stderr.write(`${s}\n`);

const store = await createStore(':memory:');
await store.migrate();
for (const id of ['producer', 'member']) await store.scoped(orgScope(id)).organisations.create({ id, name: id, parentId: null });
const confirmingBus: Bus = await createBus(busUrl);
const detectingBus: Bus = busUrl.startsWith('memory') ? confirmingBus : await createBus(busUrl);
const namespace = `ewbench${process.pid}`;
const confirming = new IndicatorBroadcast(confirmingBus, namespace);
await confirming.start();
const detecting = new IndicatorBroadcast(detectingBus, namespace);

const rules = mkdtempSync(join(tmpdir(), 'sw-ew-bench-'));
const engine = await WorkerDetectionEngine.start({ size: workers, rulePaths: [rules] });
const detection = new IntelDetection({ store, clock: systemClock, ids: randomIds, broadcast: detecting });
await detection.start();
await detection.attach(engine);
const intel = new IntelService({ store, clock: systemClock, ids: randomIds, broadcast: confirming });
const silent = new IntelService({ store, clock: systemClock, ids: randomIds });

const latencies: number[] = [];
for (let round = 0; round < rounds; round++) {
  const ip = `198.18.${round >> 8}.${round & 255}`;
  const indicator = buildSimpleIndicator({ orgId: 'producer', type: 'ipv4-addr', value: ip, tlp: 'green' }, { clock: systemClock, ids: randomIds });
  await silent.importObjects(orgScope('producer'), [indicator], { source: 'bench' });
  const probe = (n: number): EventBatch => ({
    orgId: 'member',
    batchId: `probe-${round}-${n}`,
    events: [{ id: `e-${round}-${n}`, time: Date.now(), receivedAt: Date.now(), source: 'bench', sourceFormat: 'json', message: null, raw: {}, ecs: { 'source.ip': ip } }],
  });
  const t0 = performance.now();
  await intel.confirmIndicator(orgScope('member'), indicator.id, 'bench');
  // One probe per worker at a time: the least-busy dispatch gives each its own; a worker answers in order.
  const matched = new Set<number>();
  let n = 0;
  while (matched.size < workers) {
    const results = await Promise.all(Array.from({ length: workers }, () => engine.detect('member', probe(n++))));
    results.forEach((r, w) => r.intelHits.length > 0 && matched.add(w));
    if (performance.now() - t0 > 10_000) throw new Error(`round ${round}: not every worker matched within 10 s`);
  }
  latencies.push(performance.now() - t0);
}

latencies.sort((a, b) => a - b);
const q = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2));
const result = { bus: busUrl.startsWith('memory') ? 'memory' : 'nats', workers, rounds, p50_ms: q(0.5), p99_ms: q(0.99), max_ms: q(1) };
log(`early warning (${result.bus}, ${workers} worker threads, ${rounds} confirmations): confirm → every worker matching p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, max ${result.max_ms} ms`);
if (json) console.log(JSON.stringify(result));

await detection.stop();
await engine.close();
if (detectingBus !== confirmingBus) await detectingBus.close();
await confirmingBus.deleteStream(`${namespace}_INTEL`).catch(() => undefined);
await confirmingBus.close();
await store.close();
