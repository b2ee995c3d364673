import type { Detection } from '../sigma/detector.js';
import type { RuleMeta, SigmaEvent } from '../sigma/sigma-types.js';
import { eventTime } from './event-time.js';
import { ruleSelected, type HuntRuleFilter } from './hunt-rule-filter.js';
import { inTimeRange, type HuntTimeRange } from './hunt-time-range.js';
import { readEventBatches, type MalformedEvent } from './read-events.js';
import { levelRank, type SigmaLevel } from './sigma-level.js';

/** A detection tied to the event (file and 0-based record) that produced it. */
export interface HuntDetection {
  detection: Detection;
  /** File label and record of the event; null for correlations decided at end of input. */
  file: string | null;
  record: number | null;
  /** The event as read from the file (before field mapping); null when there is none. */
  event: Record<string, unknown> | null;
}

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
  const summary: HuntSummary = { files: 0, events: 0, malformed: 0, detections: 0, belowMinLevel: 0, unselected: 0, outOfRange: 0, untimed: 0, byRule: new Map(), byLevel: new Map() };
  const minRank = opts.minLevel === undefined ? 0 : levelRank(opts.minLevel);
  const malformed = (m: MalformedEvent) => {
    summary.malformed++;
    opts.onMalformed?.(m);
  };
  const emit = (detection: Detection, file: string | null, record: number | null, event: Record<string, unknown> | null) => {
    if (levelRank(detection.rule.level) < minRank) {
      summary.belowMinLevel++;
      return;
    }
    if (opts.rules !== undefined && !ruleSelected(opts.rules, detection.rule)) {
      summary.unselected++;
      return;
    }
    summary.detections++;
    const key = `${detection.kind}:${detection.rule.id}`;
    const entry = summary.byRule.get(key);
    if (entry) entry.count++;
    else summary.byRule.set(key, { rule: detection.rule, kind: detection.kind, count: 1 });
    summary.byLevel.set(detection.rule.level, (summary.byLevel.get(detection.rule.level) ?? 0) + 1);
    opts.onDetection({ detection, file, record, event });
  };
  let lastTime: number | undefined;
  const range = opts.range;
  for (const path of files) {
    summary.files++;
    for await (const batch of readEventBatches(path, { onBytes: opts.onBytes })) {
      for (const m of batch.malformed) malformed(m);
      for (const { file, record, raw } of batch.events) {
        summary.events++;
        const own = eventTime(raw);
        if (range !== undefined) {
          if (own === undefined) summary.untimed++;
          else if (!inTimeRange(range, own)) {
            summary.outOfRange++;
            continue;
          }
        }
        let event: SigmaEvent;
        try {
          event = opts.normalize(raw);
        } catch (err) {
          malformed({ file, record, message: `cannot normalise event: ${(err as Error).message}` });
          continue;
        }
        // Events without a time inherit the previous one so windows stay on the log's clock.
        lastTime = own ?? lastTime;
        for (const d of opts.engine.process(event, lastTime)) emit(d, file, record, raw);
      }
    }
  }
  for (const d of opts.engine.flush?.() ?? []) emit(d, null, null, null);
  return summary;
}
