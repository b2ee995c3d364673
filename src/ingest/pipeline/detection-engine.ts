import type { Clock } from '../../shared/clock.js';
import { Detector, normalizeEvent, type Detection, type RawCorrelation, type RuleMeta, type RuleSet } from '../../sigma/index.js';
import type { PipelineEvent } from './pipeline-event.js';

/** The compiled detection content an engine runs; swapped as a whole on reload. */
export interface DetectionContent {
  ruleSet: RuleSet;
  correlations: RawCorrelation[];
}

/** One detection of a batch, by the event's index in the batch. */
export interface DetectionHit {
  index: number;
  detection: Detection;
}

/** Runs detection over batches; in this thread or in a pool of worker threads. */
export interface DetectionEngine {
  detect(orgId: string, events: readonly PipelineEvent[]): Promise<DetectionHit[]>;
  /** Rules in force. */
  rules(): readonly RuleMeta[];
  close(): Promise<void>;
}

/**
 * Detection in the calling thread. Correlation state is kept per organisation, so one member's
 * events never complete another member's correlation.
 */
export class InProcessDetectionEngine implements DetectionEngine {
  private readonly detectors = new Map<string, Detector>();

  constructor(
    private readonly content: DetectionContent,
    private readonly clock: Clock,
  ) {}

  async detect(orgId: string, events: readonly PipelineEvent[]): Promise<DetectionHit[]> {
    return detectBatch(this.detectorFor(orgId), events);
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

/** Runs one detector over a batch (shared by the in-process engine and the worker threads). */
export function detectBatch(detector: Detector, events: readonly PipelineEvent[]): DetectionHit[] {
  const hits: DetectionHit[] = [];
  for (let index = 0; index < events.length; index++) {
    const e = events[index]!;
    const sigmaEvent = normalizeEvent(e.raw);
    if (e.logsource && !sigmaEvent.logsource.product) sigmaEvent.logsource = { ...e.logsource };
    for (const detection of detector.process(sigmaEvent, e.time)) hits.push({ index, detection });
  }
  return hits;
}
