import type { Clock } from '../../shared/clock.js';
import { randomIds, type IdGenerator } from '../../shared/ids.js';
// The matcher alone, not the intel index: that also reaches the store, which worker threads never load.
import { IntelMatcher, type IntelHit, type IntelSync } from '../../intel/service/intel-matcher.js';
import { Detector, type Detection, type RawCorrelation, type RuleMeta, type RuleSet } from '../../sigma/index.js';
import { HeldBatches, prepareBatch, type BatchHolder, type PrepareRequest, type PreparedBatch } from './batch-preparation.js';
import { alertedEvent, DetectionAhead, detectHeldBatch, sigmaEventOf, type HeldDetection } from './held-detection.js';
import type { ClaimCheck } from './claim-check.js';
import type { EventBatch, PipelineEvent } from './pipeline-event.js';
import { RowSizing } from './row-bytes.js';

/** The compiled detection content an engine runs; swapped as a whole on reload. */
export interface DetectionContent {
  ruleSet: RuleSet;
  correlations: RawCorrelation[];
}

/**
 * What an alert keeps of the event it was raised on. Without `raw` when detection did not keep
 * the event's fields (see HeldDetection): the detection stage reads them from the store.
 */
export type AlertedEvent = Pick<PipelineEvent, 'id' | 'time' | 'source' | 'sourceFormat'> & { raw?: PipelineEvent['raw'] };

/** One detection of a batch, by the event's index in the batch, with the event. */
export interface DetectionHit {
  index: number;
  detection: Detection;
  event: AlertedEvent;
}

/** One indicator hit of a batch (an alert of kind `intel` once stored). */
export interface IntelBatchHit {
  event: AlertedEvent;
  hit: IntelHit;
}

/** What detection made of one batch. */
export interface BatchDetection {
  orgId: string;
  batchId: string;
  /** Events in the batch. */
  count: number;
  /** Receipt time of each event (for the lag metric). */
  receivedAt: number[];
  hits: DetectionHit[];
  /** Indicator hits (TLP already applied for the batch's organisation). */
  intelHits: IntelBatchHit[];
}

/**
 * Runs detection over batches; in this thread or in a pool of worker threads. A batch comes decoded
 * or as the JSON text of an EventBatch, as the bus delivered it: a worker engine then decodes it in
 * the worker, so the ingest thread never parses or copies the events as objects.
 *
 * The engine's threads also prepare submissions (`prepare`: parse, normalise, encode) and can keep
 * the parsed events until the batch is detected (`detectHeld`), so an event is parsed once.
 */
export interface DetectionEngine {
  /** Detects over one batch of `orgId`; throws when the batch names another organisation. */
  detect(orgId: string, batch: EventBatch | string): Promise<BatchDetection>;
  /**
   * Parses, normalises and encodes a submission; with `hold`, runs the stateless part of detection
   * on the thread that will detect the organisation's batches and keeps what it found there
   * (`holder` in the answer; see HeldDetection).
   */
  prepare(req: PrepareRequest): Promise<PreparedBatch>;
  /**
   * Finishes the detection of a held batch on what its holder kept (and lets it go). Undefined when
   * this engine no longer holds it (another engine, a dropped batch): read it from the store.
   */
  detectHeld(claim: ClaimCheck): Promise<BatchDetection | undefined>;
  /** Lets a held batch go that will never be detected from the hold (its insert or publish failed). */
  release(holder: BatchHolder): void;
  /**
   * Gives back a prepared batch's `buffer` once nothing reads its rows any more (they are stored,
   * or will never be): the engine writes later rows into it. A new buffer per batch would be
   * counted as external memory until a full garbage collection, and ~10 MB a batch made the
   * ingest thread run one every few batches for that alone.
   */
  recycle(buffer: ArrayBuffer): void;
  /** Rules in force. */
  rules(): readonly RuleMeta[];
  /** Keeps the indicator matchers of every detection thread current (indicators, organisations). */
  syncIntel(msg: IntelSync): void;
  close(): Promise<void>;
}

/**
 * Detection in the calling thread. Correlation state is kept per organisation, so one member's
 * events never complete another member's correlation.
 */
export class InProcessDetectionEngine implements DetectionEngine {
  private readonly detectors = new Map<string, Detector>();
  private readonly intel: IntelMatcher;
  private readonly held: HeldBatches<HeldDetection>;
  private readonly ids: IdGenerator;
  /** Tells this engine's holds from another's (a claim check outlives a rules reload). */
  private readonly number = nextEngineNumber();
  private nextHold = 1;
  /**
   * Row buffers given back, for the next batches: two at most. Each is ~1.6 times a line body
   * (13 MB for 2,000 Windows events) and resident; more spares only held more of them.
   */
  private readonly spare: ArrayBuffer[] = [];
  private readonly sizing = new RowSizing();

  constructor(
    private readonly content: DetectionContent,
    private readonly clock: Clock,
    opts: { maxHeldEvents?: number; ids?: IdGenerator } = {},
  ) {
    this.intel = new IntelMatcher(clock);
    this.held = new HeldBatches(opts.maxHeldEvents ?? DEFAULT_MAX_HELD_EVENTS);
    this.ids = opts.ids ?? randomIds;
  }

  async detect(orgId: string, batch: EventBatch | string): Promise<BatchDetection> {
    const decoded = typeof batch === 'string' ? (JSON.parse(batch) as EventBatch) : batch;
    if (decoded.orgId !== orgId) throw new Error(`batch ${decoded.batchId} belongs to organisation ${decoded.orgId}, not ${orgId}`);
    return this.detectEvents(orgId, decoded.batchId, decoded.events);
  }

  async prepare(req: PrepareRequest): Promise<PreparedBatch> {
    return this.prepareAs(req, 0, this.nextHold++);
  }

  /** {@link prepare} under a hold number chosen by the caller (a worker pool numbers its own). */
  prepareAs(req: PrepareRequest, slot: number, hold: number): PreparedBatch {
    return prepareBatch(req, this.ids, (orgId) => {
      const ahead = new DetectionAhead(this.detectorFor(orgId), { orgId, matcher: this.intel });
      return {
        add: (e) => ahead.add(e),
        done: () => {
          const held = ahead.result();
          if (held.count === 0) return undefined;
          // Detection failed on an event: nothing is held, so the claim check reads the store.
          if (!ahead.failed) this.held.put(hold, held);
          return { engine: this.number, slot, hold };
        },
      };
    }, this.spare.pop(), this.sizing);
  }

  async detectHeld(claim: ClaimCheck): Promise<BatchDetection | undefined> {
    return claim.claim.engine === this.number ? this.detectHold(claim.orgId, claim.batchId, claim.claim.hold) : undefined;
  }

  /** Detects the batch held under `hold` (whatever engine number the claim names). */
  detectHold(orgId: string, batchId: string, hold: number): BatchDetection | undefined {
    const batch = this.held.take(hold);
    if (!batch) return undefined;
    if (batch.orgId !== orgId) throw new Error(`held batch ${batchId} belongs to organisation ${batch.orgId}, not ${orgId}`);
    const { hits, intelHits } = detectHeldBatch(this.detectorFor(orgId), batch, { matcher: this.intel });
    return { orgId, batchId, count: batch.count, receivedAt: batch.receivedAt, hits, intelHits };
  }

  release(holder: BatchHolder): void {
    if (holder.engine === this.number) this.releaseHold(holder.hold);
  }

  recycle(buffer: ArrayBuffer): void {
    if (this.spare.length < 2 && buffer.byteLength > 0) this.spare.push(buffer);
  }

  /** Drops the batch held under `hold` (whatever engine number its holder names). */
  releaseHold(hold: number): void {
    this.held.take(hold);
  }

  /** Events of the batches held now (bounded by `maxHeldEvents`). */
  heldEvents(): number {
    return this.held.size();
  }

  private detectEvents(orgId: string, batchId: string, events: readonly PipelineEvent[]): BatchDetection {
    const intelHits: IntelBatchHit[] = [];
    return {
      orgId,
      batchId,
      count: events.length,
      receivedAt: events.map((e) => e.receivedAt),
      hits: detectBatch(this.detectorFor(orgId), events, { orgId, matcher: this.intel, hits: intelHits }),
      intelHits,
    };
  }

  syncIntel(msg: IntelSync): void {
    this.intel.syncIntel(msg);
  }

  rules(): readonly RuleMeta[] {
    return this.content.ruleSet.rules();
  }

  async close(): Promise<void> {}

  private detectorFor(orgId: string): Detector {
    let d = this.detectors.get(orgId);
    if (!d) {
      d = new Detector({ ruleSet: this.content.ruleSet, correlations: this.content.correlations, clock: this.clock });
      this.detectors.set(orgId, d);
    }
    return d;
  }
}

/** Events whose claim-checked batches a detection thread keeps (see HeldDetection), unless configured otherwise. */
export const DEFAULT_MAX_HELD_EVENTS = 100_000;

let engines = 0;

/** A number for a new engine of this process (claim checks name the engine that holds a batch). */
export function nextEngineNumber(): number {
  return ++engines;
}

/**
 * Runs one detector over a batch (the in-process engine runs in each worker thread too). A second
 * matcher over the same events (e.g. indicators) belongs in this loop, beside `detector.process`.
 */
export function detectBatch(
  detector: Detector,
  events: readonly PipelineEvent[],
  intel?: { orgId: string; matcher: IntelMatcher; hits: IntelBatchHit[] },
): DetectionHit[] {
  const hits: DetectionHit[] = [];
  for (let index = 0; index < events.length; index++) {
    const e = events[index]!;
    const sigmaEvent = sigmaEventOf(e);
    let event: AlertedEvent | undefined;
    for (const detection of detector.process(sigmaEvent, e.time)) {
      event ??= alertedEvent(e);
      hits.push({ index, detection, event });
    }
    if (intel) {
      // Validity is judged now, not at the event's time: a fresh indicator also flags a replayed or late event.
      for (const hit of intel.matcher.match(intel.orgId, e)) {
        event ??= alertedEvent(e);
        intel.hits.push({ event, hit });
      }
    }
  }
  return hits;
}
