import type { Detection } from '../sigma/detector.js';
import type { SigmaEvent } from '../sigma/sigma-types.js';
import { eventTime } from './event-time.js';
import type { HuntDetection, HuntOptions, HuntSummary } from './hunt.js';
import { ruleSelected } from './hunt-rule-filter.js';
import { inTimeRange, type HuntTimeRange } from './hunt-time-range.js';
import type { MalformedEvent } from './read-events.js';
import { levelRank } from './sigma-level.js';

/** A fresh {@link HuntSummary}. */
export function emptySummary(): HuntSummary {
  return { files: 0, events: 0, malformed: 0, detections: 0, belowMinLevel: 0, unselected: 0, outOfRange: 0, untimed: 0, byRule: new Map(), byLevel: new Map() };
}

/**
 * Where a hunt's findings go, in one thread or many: applies `--min-level` and the rule filter,
 * keeps the summary's counts and hands on what is left.
 */
export class HuntSink {
  readonly summary = emptySummary();
  private readonly minRank: number;

  constructor(private readonly opts: Pick<HuntOptions, 'minLevel' | 'rules' | 'onDetection' | 'onMalformed'>) {
    this.minRank = opts.minLevel === undefined ? 0 : levelRank(opts.minLevel);
  }

  malformed(m: MalformedEvent): void {
    this.summary.malformed++;
    this.opts.onMalformed?.(m);
  }

  /** Reports `detection` of the event at `at` (see {@link HuntDetection}) unless a filter drops it. */
  emit(detection: Detection, at: Omit<HuntDetection, 'detection'>): void {
    const summary = this.summary;
    if (levelRank(detection.rule.level) < this.minRank) {
      summary.belowMinLevel++;
      return;
    }
    if (this.opts.rules !== undefined && !ruleSelected(this.opts.rules, detection.rule)) {
      summary.unselected++;
      return;
    }
    summary.detections++;
    const key = `${detection.kind}:${detection.rule.id}`;
    const entry = summary.byRule.get(key);
    if (entry) entry.count++;
    else summary.byRule.set(key, { rule: detection.rule, kind: detection.kind, count: 1 });
    summary.byLevel.set(detection.rule.level, (summary.byLevel.get(detection.rule.level) ?? 0) + 1);
    this.opts.onDetection({ detection, ...at });
  }
}

/** What a raw event becomes before detection: skipped (outside the window), malformed, or an event with its own time. */
export type ScreenedEvent = { kind: 'skip' } | { kind: 'bad'; message: string } | { kind: 'event'; event: SigmaEvent; time: number | undefined };

const skipped: ScreenedEvent = Object.freeze({ kind: 'skip' });

/**
 * The steps of a hunt before detection, for one raw event: its own time, the time window (the
 * events outside and those without a time are counted in `counts`), the normalisation.
 */
export function screenEvent(
  raw: Record<string, unknown>,
  range: HuntTimeRange | undefined,
  normalize: (raw: Record<string, unknown>) => SigmaEvent,
  counts: Pick<HuntSummary, 'outOfRange' | 'untimed'>,
): ScreenedEvent {
  const time = eventTime(raw);
  if (range !== undefined) {
    if (time === undefined) counts.untimed++;
    else if (!inTimeRange(range, time)) {
      counts.outOfRange++;
      return skipped;
    }
  }
  try {
    return { kind: 'event', event: normalize(raw), time };
  } catch (err) {
    return { kind: 'bad', message: `cannot normalise event: ${(err as Error).message}` };
  }
}
