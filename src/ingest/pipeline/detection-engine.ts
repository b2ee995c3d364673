import type { Clock } from '../../shared/clock.js';
// The matcher alone, not the intel index: that also reaches the store, which worker threads never load.
import { IntelMatcher, type IntelHit, type IntelSync } from '../../intel/service/intel-matcher.js';
import { Detector, normalizeEvent, type Detection, type RawCorrelation, type RuleMeta, type RuleSet } from '../../sigma/index.js';
import type { EventBatch, PipelineEvent } from './pipeline-event.js';

/** The compiled detection content an engine runs; swapped as a whole on reload. */
export interface DetectionContent {
  ruleSet: RuleSet;
  correlations: RawCorrelation[];
}

/** What an alert keeps of the event it was raised on. */
export type AlertedEvent = Pick<PipelineEvent, 'id' | 'time' | 'source' | 'sourceFormat' | 'raw'>;

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
 */
export interface DetectionEngine {
  /** Detects over one batch of `orgId`; throws when the batch names another organisation. */
  detect(orgId: string, batch: EventBatch | string): Promise<BatchDetection>;
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

  constructor(
    private readonly content: DetectionContent,
    private readonly clock: Clock,
  ) {
    this.intel = new IntelMatcher(clock);
  }

  async detect(orgId: string, batch: EventBatch | string): Promise<BatchDetection> {
    const decoded = typeof batch === 'string' ? (JSON.parse(batch) as EventBatch) : batch;
    if (decoded.orgId !== orgId) throw new Error(`batch ${decoded.batchId} belongs to organisation ${decoded.orgId}, not ${orgId}`);
    const { events } = decoded;
    const intelHits: IntelBatchHit[] = [];
    return {
      orgId,
      batchId: decoded.batchId,
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
    const sigmaEvent = normalizeEvent(e.raw);
    if (e.logsource && !sigmaEvent.logsource.product) sigmaEvent.logsource = { ...e.logsource };
    let event: AlertedEvent | undefined;
    for (const detection of detector.process(sigmaEvent, e.time)) {
      event ??= { id: e.id, time: e.time, source: e.source, sourceFormat: e.sourceFormat, raw: e.raw };
      hits.push({ index, detection, event });
    }
    if (intel) {
      // Validity is judged now, not at the event's time: a fresh indicator also flags a replayed or late event.
      for (const hit of intel.matcher.match(intel.orgId, e)) {
        event ??= { id: e.id, time: e.time, source: e.source, sourceFormat: e.sourceFormat, raw: e.raw };
        intel.hits.push({ event, hit });
      }
    }
  }
  return hits;
}
