import { parentPort, workerData } from 'node:worker_threads';
import { loadRulePaths } from '../../hunt/rule-loader.js';
import { systemClock } from '../../shared/clock.js';
import { loadErrorLocation } from '../../sigma/index.js';
import { InProcessDetectionEngine } from './detection-engine.js';
import type { WorkerIntelSync, WorkerReply, WorkerRequest } from './worker-protocol.js';

/**
 * A detection worker thread: loads the rules itself (compiled rule sets cannot cross threads) and
 * answers detect requests in order.
 */
const { rulePaths } = workerData as { rulePaths: string[] };
const port = parentPort!;
const loaded = await loadRulePaths(rulePaths);
const engine = new InProcessDetectionEngine({ ruleSet: loaded.ruleSet, correlations: loaded.correlations }, systemClock);
port.postMessage({
  type: 'ready',
  rules: [...loaded.ruleSet.rules()],
  correlations: loaded.correlations.length,
  errors: loaded.errors.map((e) => ({ path: loadErrorLocation(e), message: e.message })),
} satisfies WorkerReply);

port.on('message', (req: WorkerRequest | WorkerIntelSync) => {
  // Messages are handled in order, so an indicator synced before a batch is matched in it.
  if ('type' in req) return engine.syncIntel(req.sync);
  engine
    .detect(req.orgId, req.batch)
    .then((result) => port.postMessage({ type: 'result', id: req.id, result } satisfies WorkerReply))
    .catch((err: unknown) => port.postMessage({ type: 'error', id: req.id, message: (err as Error).message } satisfies WorkerReply));
});
