import type { Detection } from '../sigma/detector.js';
import type { HuntDetection, HuntOptions, HuntSummary } from './hunt.js';
import { ruleSelected } from './hunt-rule-filter.js';
import type { MalformedEvent } from './read-events.js';
import { levelRank } from './sigma-level.js';

/** A fresh {@link HuntSummary}. */
function emptySummary(): HuntSummary {
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
