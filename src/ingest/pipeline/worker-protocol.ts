import type { IntelSync } from '../../intel/service/intel-matcher.js';
import type { RuleMeta } from '../../sigma/index.js';
import type { PrepareRequest, PreparedBatch } from './batch-preparation.js';
import type { BatchDetection } from './detection-engine.js';
import type { EventBatch } from './pipeline-event.js';

/** Main thread → detection worker: a batch decoded, or its JSON text as the bus delivered it. */
export interface WorkerRequest {
  id: number;
  orgId: string;
  batch: EventBatch | string;
}

/** Main thread → detection worker: prepare a submission, holding its events under `id` if asked. */
export interface WorkerPrepare {
  type: 'prepare';
  id: number;
  req: PrepareRequest;
}

/** Main thread → detection worker: detect the batch held under `hold` (answers `missing` if gone). */
export interface WorkerDetectHeld {
  type: 'detect-held';
  id: number;
  orgId: string;
  batchId: string;
  hold: number;
}

/** Main thread → detection worker: drop the batch held under `hold` (no reply). */
export interface WorkerRelease {
  type: 'release';
  hold: number;
}

/** Main thread → detection worker: a row buffer given back (transferred), for later rows (no reply). */
export interface WorkerRecycle {
  type: 'recycle';
  buffer: ArrayBuffer;
}

/** Main thread → every detection worker: keeps its indicator matcher current (no reply). */
export interface WorkerIntelSync {
  type: 'intel';
  sync: IntelSync;
}

/** Everything the main thread posts to a detection worker. */
export type WorkerMessage = WorkerRequest | WorkerPrepare | WorkerDetectHeld | WorkerRelease | WorkerRecycle | WorkerIntelSync;

/** Detection worker → main thread. */
export type WorkerReply =
  | { type: 'ready'; rules: RuleMeta[]; correlations: number; errors: { path: string; message: string }[] }
  | { type: 'result'; id: number; result: BatchDetection }
  | { type: 'prepared'; id: number; prepared: PreparedBatch }
  | { type: 'missing'; id: number }
  | { type: 'error'; id: number; message: string };
