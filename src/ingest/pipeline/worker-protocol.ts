import type { IntelSync } from '../../intel/service/intel-matcher.js';
import type { RuleMeta } from '../../sigma/index.js';
import type { BatchDetection } from './detection-engine.js';
import type { EventBatch } from './pipeline-event.js';

/** Main thread → detection worker: a batch decoded, or its JSON text as the bus delivered it. */
export interface WorkerRequest {
  id: number;
  orgId: string;
  batch: EventBatch | string;
}

/** Main thread → every detection worker: keeps its indicator matcher current (no reply). */
export interface WorkerIntelSync {
  type: 'intel';
  sync: IntelSync;
}

/** Detection worker → main thread. */
export type WorkerReply =
  | { type: 'ready'; rules: RuleMeta[]; correlations: number; errors: { path: string; message: string }[] }
  | { type: 'result'; id: number; result: BatchDetection }
  | { type: 'error'; id: number; message: string };
