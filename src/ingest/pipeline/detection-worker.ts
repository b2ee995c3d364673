import { parentPort, workerData } from 'node:worker_threads';
import { loadRulePaths } from '../../hunt/rule-loader.js';
import { systemClock } from '../../shared/clock.js';
import { loadErrorLocation } from '../../sigma/index.js';
import { InProcessDetectionEngine } from './detection-engine.js';
import type { WorkerMessage, WorkerReply } from './worker-protocol.js';
import { WorkerTaskQueue } from './worker-task-queue.js';

/**
 * A detection worker thread: loads the rules itself (compiled rule sets cannot cross threads),
 * prepares submissions (detecting ahead and holding what detection still needs, when asked) and
 * detects batches, preparing
 * first (see WorkerTaskQueue).
 */
const { rulePaths, slot, maxHeldEvents } = workerData as { rulePaths: string[]; slot: number; maxHeldEvents?: number };
const port = parentPort!;
const loaded = await loadRulePaths(rulePaths);
const engine = new InProcessDetectionEngine(
  { ruleSet: loaded.ruleSet, correlations: loaded.correlations },
  systemClock,
  maxHeldEvents === undefined ? {} : { maxHeldEvents },
);
port.postMessage({
  type: 'ready',
  rules: [...loaded.ruleSet.rules()],
  correlations: loaded.correlations.length,
  errors: loaded.errors.map((e) => ({ path: loadErrorLocation(e), message: e.message })),
} satisfies WorkerReply);

const tasks = new WorkerTaskQueue((drain) => setImmediate(drain));

port.on('message', (msg: WorkerMessage) => {
  if (!('type' in msg)) return tasks.pushBackground(() => run(msg));
  switch (msg.type) {
    // Applied on arrival: every batch after the sync sees it (earlier ones may too, which is harmless).
    case 'intel':
    case 'recycle':
      return run(msg);
    case 'prepare':
      return tasks.pushUrgent(() => run(msg));
    default:
      // Releases and held detections keep their order relative to other detections.
      return tasks.pushBackground(() => run(msg));
  }
});

function run(msg: WorkerMessage): void {
  try {
    if (!('type' in msg)) {
      engine
        .detect(msg.orgId, msg.batch)
        .then((result) => port.postMessage({ type: 'result', id: msg.id, result } satisfies WorkerReply))
        .catch((err: unknown) => port.postMessage({ type: 'error', id: msg.id, message: (err as Error).message } satisfies WorkerReply));
      return;
    }
    switch (msg.type) {
      case 'intel':
        return engine.syncIntel(msg.sync);
      case 'release':
        return engine.releaseHold(msg.hold);
      case 'recycle':
        return engine.recycle(msg.buffer);
      case 'prepare': {
        // The ids of the hold are the main thread's request ids: unique in this pool.
        const prepared = engine.prepareAs(msg.req, slot, msg.id);
        return port.postMessage({ type: 'prepared', id: msg.id, prepared } satisfies WorkerReply, prepared.buffer ? [prepared.buffer] : []);
      }
      case 'detect-held': {
        const result = engine.detectHold(msg.orgId, msg.batchId, msg.hold);
        return port.postMessage((result ? { type: 'result', id: msg.id, result } : { type: 'missing', id: msg.id }) satisfies WorkerReply);
      }
    }
  } catch (err) {
    if ('id' in msg) port.postMessage({ type: 'error', id: msg.id, message: (err as Error).message } satisfies WorkerReply);
  }
}
