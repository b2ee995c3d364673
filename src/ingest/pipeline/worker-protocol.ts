import type { RuleMeta } from '../../sigma/index.js';
import type { DetectionHit } from './detection-engine.js';
import type { PipelineEvent } from './pipeline-event.js';

/** Main thread → detection worker. */
export interface WorkerRequest {
  id: number;
  orgId: string;
  events: readonly PipelineEvent[];
}

/** Detection worker → main thread. */
export type WorkerReply =
  | { type: 'ready'; rules: RuleMeta[]; correlations: number; errors: { path: string; message: string }[] }
  | { type: 'result'; id: number; hits: DetectionHit[] }
  | { type: 'error'; id: number; message: string };
