import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type { IntelSync } from '../../intel/service/intel-matcher.js';
import type { RuleMeta } from '../../sigma/index.js';
import { transferList, type BatchHolder, type PrepareRequest, type PreparedBatch } from './batch-preparation.js';
import type { ClaimCheck } from './claim-check.js';
import { nextEngineNumber, type BatchDetection, type DetectionEngine } from './detection-engine.js';
import type { EventBatch } from './pipeline-event.js';
import type { WorkerMessage, WorkerReply } from './worker-protocol.js';
import { startWorkerThread } from '../../shared/worker-thread.js';

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (reply: WorkerReply) => void; reject: (err: Error) => void }>;
  load: number;
  /** Set once the thread exited: it holds nothing any more. */
  exited: boolean;
}

/**
 * Detection on a pool of worker threads, so detection uses every core while the main thread
 * serves inputs and the store. The same threads prepare submissions (parse, normalise, encode)
 * and, for claim-checked batches, match the rules as they parse and hold what detection still
 * needs until the batch is stored (HeldDetection). With correlation
 * rules loaded, an organisation's batches always go to the same worker (its correlation state
 * lives there), and so are prepared there; without them, each goes to the least busy worker.
 */
export class WorkerDetectionEngine implements DetectionEngine {
  private nextId = 1;
  private metas: readonly RuleMeta[] = [];
  /** Rule files that failed to load, as the first worker reported them. */
  errors: { path: string; message: string }[] = [];
  private byOrg = false;
  private readonly number = nextEngineNumber();

  /** Which worker wrote each row buffer still out (see {@link recycle}). */
  private readonly writtenBy = new WeakMap<ArrayBuffer, number>();

  private constructor(private readonly slots: Slot[]) {}

  /**
   * Starts `size` workers, each loading the rules under `rulePaths`; resolves when all are ready.
   * `maxHeldEvents` bounds the events of the claim-checked batches each worker holds.
   */
  static async start(opts: { size: number; rulePaths: string[]; maxHeldEvents?: number }): Promise<WorkerDetectionEngine> {
    const slots: Slot[] = [];
    const ready: Promise<Extract<WorkerReply, { type: 'ready' }>>[] = [];
    for (let i = 0; i < opts.size; i++) {
      const held = opts.maxHeldEvents === undefined ? {} : { maxHeldEvents: opts.maxHeldEvents };
      const worker = startWorkerThread(import.meta.url, 'detection-worker', { rulePaths: opts.rulePaths, slot: i, ...held }, { maxYoungGenerationSizeMb: youngGenerationMb });
      const slot: Slot = { worker, pending: new Map(), load: 0, exited: false };
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
            if (msg.type === 'error') waiter.reject(new Error(`detection worker: ${msg.message}`));
            else waiter.resolve(msg);
          });
          worker.on('exit', (code) => {
            slot.exited = true;
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
  async detect(orgId: string, batch: EventBatch | string): Promise<BatchDetection> {
    const reply = await this.call(this.slotFor(orgId), (id) => ({ id, orgId, batch }));
    return (reply as Extract<WorkerReply, { type: 'result' }>).result;
  }

  async prepare(req: PrepareRequest): Promise<PreparedBatch> {
    const index = this.slots.indexOf(this.slotFor(req.orgId));
    let hold = 0;
    const reply = await this.call(
      this.slots[index]!,
      (id) => {
        hold = id;
        return { type: 'prepare', id, req };
      },
      transferList(req),
    );
    const { prepared } = reply as Extract<WorkerReply, { type: 'prepared' }>;
    if (prepared.buffer) this.writtenBy.set(prepared.buffer, index);
    return prepared.holder ? { ...prepared, holder: { engine: this.number, slot: index, hold } } : prepared;
  }

  async detectHeld(claim: ClaimCheck): Promise<BatchDetection | undefined> {
    const { engine, slot: index, hold } = claim.claim;
    const slot = this.slots[index];
    if (engine !== this.number || !slot || slot.exited) return undefined;
    const reply = await this.call(slot, (id) => ({ type: 'detect-held', id, orgId: claim.orgId, batchId: claim.batchId, hold }));
    return reply.type === 'result' ? reply.result : undefined;
  }

  release(holder: BatchHolder): void {
    const slot = this.slots[holder.slot];
    if (holder.engine === this.number && slot && !slot.exited) slot.worker.postMessage({ type: 'release', hold: holder.hold } satisfies WorkerMessage);
  }

  /**
   * Transferred back to the worker that wrote it (it leaves this thread's external memory at once):
   * each worker then gets back as many buffers as it hands out.
   */
  recycle(buffer: ArrayBuffer): void {
    const index = this.writtenBy.get(buffer);
    const slot = index === undefined ? this.leastBusy() : this.slots[index]!;
    if (!slot.exited && buffer.byteLength > 0) slot.worker.postMessage({ type: 'recycle', buffer } satisfies WorkerMessage, [buffer]);
  }

  rules(): readonly RuleMeta[] {
    return this.metas;
  }

  /** Every worker holds its own indicator matcher: each gets every sync. */
  syncIntel(sync: IntelSync): void {
    for (const s of this.slots) s.worker.postMessage({ type: 'intel', sync } satisfies WorkerMessage);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private slotFor(orgId: string): Slot {
    return this.byOrg ? this.slots[orgIndex(orgId, this.slots.length)]! : this.leastBusy();
  }

  private call(slot: Slot, message: (id: number) => WorkerMessage, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (slot.exited) return Promise.reject(new Error('detection worker has exited'));
    const id = this.nextId++;
    slot.load++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage(message(id), transfer);
    });
  }

  private leastBusy(): Slot {
    let best = this.slots[0]!;
    for (const s of this.slots) if (s.load < best.load) best = s;
    return best;
  }
}

/**
 * Young generation of each detection worker: 192 MB (64 MB semi-spaces, V8's default being 16). A
 * worker allocates tens of MB per batch (parsed records, ECS, store rows) that mostly die within
 * the batch; with the default the scavenger runs several times per batch and copies and promotes
 * what is still in use, which then costs major GCs (concurrent marking on V8's platform threads).
 * Measured end to end (`bench:pipeline`, 100,000 events, interleaved runs): 106–113 µs of node CPU
 * per event instead of 118–147, the workers and the platform threads doing the difference. Only
 * the old generation is left unbounded: capping it cost 15–20 % more CPU (benchmarks.md).
 */
const youngGenerationMb = 192;

function orgIndex(orgId: string, n: number): number {
  return createHash('sha1').update(orgId).digest().readUInt32BE(0) % n;
}
