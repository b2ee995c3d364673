import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type { IntelSync } from '../../intel/service/intel-matcher.js';
import type { RuleMeta } from '../../sigma/index.js';
import type { BatchDetection, DetectionEngine } from './detection-engine.js';
import type { EventBatch } from './pipeline-event.js';
import type { WorkerIntelSync, WorkerReply, WorkerRequest } from './worker-protocol.js';
import { startWorker } from './worker-script.js';

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (result: BatchDetection) => void; reject: (err: Error) => void }>;
  load: number;
}

/**
 * Detection on a pool of worker threads, so detection uses every core while the main thread
 * serves inputs and the store. With correlation rules loaded, an organisation's batches always go
 * to the same worker (its correlation state lives there); without them, each batch goes to the
 * least busy worker.
 */
export class WorkerDetectionEngine implements DetectionEngine {
  private nextId = 1;
  private metas: readonly RuleMeta[] = [];
  /** Rule files that failed to load, as the first worker reported them. */
  errors: { path: string; message: string }[] = [];
  private byOrg = false;

  private constructor(private readonly slots: Slot[]) {}

  /** Starts `size` workers, each loading the rules under `rulePaths`; resolves when all are ready. */
  static async start(opts: { size: number; rulePaths: string[] }): Promise<WorkerDetectionEngine> {
    const slots: Slot[] = [];
    const ready: Promise<Extract<WorkerReply, { type: 'ready' }>>[] = [];
    for (let i = 0; i < opts.size; i++) {
      const worker = startWorker('detection-worker', { rulePaths: opts.rulePaths });
      const slot: Slot = { worker, pending: new Map(), load: 0 };
      slots.push(slot);
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('error', reject);
          worker.on('message', (msg: WorkerReply) => {
            if (msg.type === 'ready') return resolve(msg);
            const waiter = slot.pending.get(msg.id);
            if (!waiter) return;
            slot.pending.delete(msg.id);
            slot.load--;
            if (msg.type === 'result') waiter.resolve(msg.result);
            else waiter.reject(new Error(`detection worker: ${msg.message}`));
          });
          worker.on('exit', (code) => {
            for (const w of slot.pending.values()) w.reject(new Error(`detection worker exited with code ${code}`));
            slot.pending.clear();
          });
        }),
      );
    }
    const engine = new WorkerDetectionEngine(slots);
    try {
      const first = (await Promise.all(ready))[0]!;
      engine.metas = first.rules;
      engine.errors = first.errors;
      engine.byOrg = first.correlations > 0;
    } catch (err) {
      await engine.close();
      throw err;
    }
    return engine;
  }

  /** A batch given as JSON text is copied to the worker as one string and decoded there. */
  detect(orgId: string, batch: EventBatch | string): Promise<BatchDetection> {
    const slot = this.byOrg ? this.slots[orgIndex(orgId, this.slots.length)]! : this.leastBusy();
    const id = this.nextId++;
    slot.load++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, orgId, batch } satisfies WorkerRequest);
    });
  }

  rules(): readonly RuleMeta[] {
    return this.metas;
  }

  /** Every worker holds its own indicator matcher: each gets every sync. */
  syncIntel(sync: IntelSync): void {
    for (const s of this.slots) s.worker.postMessage({ type: 'intel', sync } satisfies WorkerIntelSync);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private leastBusy(): Slot {
    let best = this.slots[0]!;
    for (const s of this.slots) if (s.load < best.load) best = s;
    return best;
  }
}

function orgIndex(orgId: string, n: number): number {
  return createHash('sha1').update(orgId).digest().readUInt32BE(0) % n;
}
