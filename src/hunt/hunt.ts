import type { Detection } from '../sigma/detector.js';
import type { RuleMeta, SigmaEvent } from '../sigma/sigma-types.js';
import type { HuntRuleFilter } from './hunt-rule-filter.js';
import { HuntSink } from './hunt-sink.js';
import { screenEvent } from './screen-event.js';
import type { HuntTimeRange } from './hunt-time-range.js';
import { malformedUpTo } from './event-text-parser.js';
import { readEventBatches, type MalformedEvent } from './read-events.js';
import type { SigmaLevel } from './sigma-level.js';

/** A detection tied to the event (file and 0-based record) that produced it. */
export interface HuntDetection {
  detection: Detection;
  /** File label and record of the event; null for correlations decided at end of input. */
  file: string | null;
  record: number | null;
  /** The event as read from the file (before field mapping); null when there is none. */
  event: Record<string, unknown> | null;
  /** The event's own time in ms since the epoch; null when it has none (or there is no event). */
  time: number | null;
  /** The event's `Computer` (the host that logged it), when it names one. */
  computer: string | null;
}

/** `Computer` of a normalised event, the host every Windows layout names (null when it does not). */
export function computerOf(event: SigmaEvent): string | null {
  const c = event.fields['Computer'];
  return typeof c === 'string' && c !== '' ? c : null;
}

/** Where a detection decided at the end of the input happened: nowhere in particular. */
export const noEvent: Omit<HuntDetection, 'detection'> = Object.freeze({ file: null, record: null, event: null, time: null, computer: null });

/** What hunting needs of a detector (the Sigma `Detector` satisfies it). */
export interface HuntEngine {
  process(event: SigmaEvent, time?: number): Detection[];
  /** End of input: correlation windows decided on close. */
  flush?(): Detection[];
}

/** Options of {@link hunt}. */
export interface HuntOptions {
  engine: HuntEngine;
  /** Raw event → Sigma fields + logsource (the logsource pipeline's `normalizeEvent`). */
  normalize: (raw: Record<string, unknown>) => SigmaEvent;
  /** Detections below this level are dropped (counted in `belowMinLevel`). */
  minLevel?: SigmaLevel;
  /** Detections of rules outside this filter are dropped (counted in `unselected`). */
  rules?: HuntRuleFilter;
  /** Events whose own time lies outside are skipped before detection (counted in `outOfRange`). */
  range?: HuntTimeRange;
  onDetection: (d: HuntDetection) => void;
  onMalformed?: (m: MalformedEvent) => void;
  /** Bytes read from disk, for a progress bar. */
  onBytes?: (bytes: number) => void;
}

/** Counts of one hunt. */
export interface HuntSummary {
  files: number;
  events: number;
  malformed: number;
  detections: number;
  belowMinLevel: number;
  /** Detections of rules the rule filter left out. */
  unselected: number;
  /** Events outside the time range, not hunted. */
  outOfRange: number;
  /** Events without a time while a range was set: hunted, since they cannot be placed. */
  untimed: number;
  byRule: Map<string, { rule: RuleMeta; kind: Detection['kind']; count: number }>;
  byLevel: Map<string, number>;
}

/**
 * Hunts files with a detector: reads every event (see `readEventBatches`), skips those outside
 * the time range, normalises the others and runs the detector with the event's own time (so
 * correlation windows follow the log, not the wall clock), filters the detections by level and
 * rule, and hands each to `onDetection`. Files are processed in the order given, as one stream (a
 * correlation may span files).
 * @throws only when a file cannot be opened; bad content is reported through `onMalformed`.
 */
export async function hunt(files: readonly string[], opts: HuntOptions): Promise<HuntSummary> {
  const sink = new HuntSink(opts);
  const summary = sink.summary;
  let lastTime: number | undefined;
  const tell = (m: MalformedEvent): void => sink.malformed(m);
  for (const path of files) {
    summary.files++;
    for await (const batch of readEventBatches(path, { onBytes: opts.onBytes })) {
      const bad = batch.malformed;
      let b = 0;
      for (const { file, record, raw } of batch.events) {
        b = malformedUpTo(bad, b, record, tell);
        summary.events++;
        const e = screenEvent(raw, opts.range, opts.normalize, summary);
        if (e.kind === 'skip') continue;
        if (e.kind === 'bad') {
          sink.malformed({ file, record, message: e.message });
          continue;
        }
        // Events without a time inherit the previous one so windows stay on the log's clock.
        lastTime = e.time ?? lastTime;
        const detections = opts.engine.process(e.event, lastTime);
        if (detections.length === 0) continue;
        const at = { file, record, event: raw, time: e.time ?? null, computer: computerOf(e.event) };
        for (const d of detections) sink.emit(d, at);
      }
      malformedUpTo(bad, b, Infinity, tell);
    }
  }
  for (const d of opts.engine.flush?.() ?? []) sink.emit(d, noEvent);
  return summary;
}
