import type { IntelMatcher } from '../../intel/service/intel-matcher.js';
import { normalizeEvent, type Detector, type SigmaEvent, type SigmaMatch } from '../../sigma/index.js';
import type { IndicatorEvent } from '../../intel/match/index.js';
import type { SourceFormat } from '../parsers/index.js';
import type { AlertedEvent, DetectionHit, IntelBatchHit } from './detection-engine.js';
import type { PipelineEvent } from './pipeline-event.js';

/**
 * What a detection thread keeps of a claim-checked batch between preparing it and detecting it:
 * the stateless part of detection already done, so that the parsed events die young instead of
 * being held (with every object of their raw fields) until the store has them.
 *
 * Rule matching and the stateless indicator patterns run while the batch is prepared. What keeps
 * state (correlation windows, windowed indicator patterns) runs only when the batch is detected,
 * after it was stored: an event whose insert fails, or a resent batch the store already had,
 * never reaches it. Only matched events keep their raw fields; an alert raised at another event
 * (a correlation window closing on that event's time, a windowed indicator completing) carries the
 * event without them, and the detection stage reads them from the store.
 */
export interface HeldDetection {
  orgId: string;
  count: number;
  ids: string[];
  times: number[];
  receivedAt: number[];
  sources: string[];
  formats: SourceFormat[];
  /** The events that matched a rule, in batch order. */
  matched: MatchedEvent[];
  /** Hits of the stateless indicator patterns. */
  intelHits: IntelBatchHit[];
  /** What windowed indicator patterns read of each event, when some were held at preparation. */
  windowed?: IndicatorEvent[];
}

/** An event that matched at least one rule: what correlations and its alert need of it. */
interface MatchedEvent {
  index: number;
  matches: SigmaMatch[];
  fields: Record<string, unknown>;
  event: AlertedEvent;
}

/** The Sigma event of a pipeline event (its logsource from the input when the fields tell none). */
export function sigmaEventOf(e: PipelineEvent): SigmaEvent {
  const sigmaEvent = normalizeEvent(e.raw);
  if (e.logsource && !sigmaEvent.logsource.product) sigmaEvent.logsource = { ...e.logsource };
  return sigmaEvent;
}

/** Runs the stateless part of detection over parsed events as they come (see {@link HeldDetection}). */
export class DetectionAhead {
  private readonly held: HeldDetection;
  /**
   * Set when detection threw on an event. That must not refuse the submission (it would fail
   * again on every resend): the batch is stored and claimed as usual, its caller holds nothing,
   * and detection reads it from the store, where the failure is reported and retried as for any
   * batch.
   */
  failed = false;

  constructor(
    private readonly detector: Detector,
    private readonly intel: { orgId: string; matcher: IntelMatcher },
  ) {
    this.held = { orgId: intel.orgId, count: 0, ids: [], times: [], receivedAt: [], sources: [], formats: [], matched: [], intelHits: [] };
    if (intel.matcher.hasWindows()) this.held.windowed = [];
  }

  add(e: PipelineEvent): void {
    if (this.failed) return;
    try {
      this.detect(e);
    } catch {
      this.failed = true;
    }
  }

  private detect(e: PipelineEvent): void {
    const held = this.held;
    const index = held.count++;
    held.ids.push(e.id);
    held.times.push(e.time);
    held.receivedAt.push(e.receivedAt);
    held.sources.push(e.source);
    held.formats.push(e.sourceFormat);
    const sigmaEvent = sigmaEventOf(e);
    const matches = this.detector.match(sigmaEvent);
    let event: AlertedEvent | undefined;
    if (matches.length > 0) {
      event = alertedEvent(e);
      held.matched.push({ index, matches, fields: sigmaEvent.fields, event });
    }
    for (const hit of this.intel.matcher.match(this.intel.orgId, e, undefined, 'stateless')) held.intelHits.push({ event: (event ??= alertedEvent(e)), hit });
    held.windowed?.push({ ecs: e.ecs, time: e.time });
  }

  /** What was kept of the events added. */
  result(): HeldDetection {
    return this.held;
  }
}

/**
 * Runs the stateful part over a held batch, in event order, on the organisation's detector: what
 * `detectBatch` would have found on the events themselves.
 */
export function detectHeldBatch(
  detector: Detector,
  held: HeldDetection,
  intel: { matcher: IntelMatcher },
): { hits: DetectionHit[]; intelHits: IntelBatchHit[] } {
  const hits: DetectionHit[] = [];
  const intelHits = held.intelHits;
  let next = 0;
  for (let index = 0; index < held.count; index++) {
    const m = held.matched[next];
    const matched = m !== undefined && m.index === index ? (next++, m) : undefined;
    let event = matched?.event;
    const time = held.times[index];
    for (const detection of detector.observe(matched ? matched.matches : noMatches, matched ? matched.fields : noFields, time)) {
      hits.push({ index, detection, event: (event ??= withoutRaw(held, index)) });
    }
    const w = held.windowed?.[index];
    if (w) for (const hit of intel.matcher.match(held.orgId, w, undefined, 'windowed')) intelHits.push({ event: (event ??= withoutRaw(held, index)), hit });
  }
  return { hits, intelHits };
}

const noMatches: readonly SigmaMatch[] = [];
const noFields: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** What an alert keeps of a parsed event. */
export function alertedEvent(e: PipelineEvent): AlertedEvent {
  return { id: e.id, time: e.time, source: e.source, sourceFormat: e.sourceFormat, raw: e.raw };
}

/** An alerted event whose raw fields the detection stage reads from the store. */
function withoutRaw(held: HeldDetection, index: number): AlertedEvent {
  return { id: held.ids[index]!, time: held.times[index]!, source: held.sources[index]!, sourceFormat: held.formats[index]! };
}
