import { systemClock, type Clock } from '../shared/clock.js';
import { CorrelationEngine, type CorrelationEngineStats } from './correlation/correlation-engine.js';
import type { CorrelationRule } from './correlation/correlation-rule.js';
import type { RawCorrelation } from './rule/sigma-rule.js';
import type { Detection } from './correlation/detection.js';
import { parseCorrelation } from './correlation/parse-correlation.js';
import type { RuleMeta, SigmaEvent, SigmaLoadError, SigmaMatch } from './sigma-types.js';

export type { CorrelationDetail, Detection } from './correlation/detection.js';

/** What the Detector needs of a compiled rule set (the core `RuleSet` satisfies it). */
export interface DetectorRuleSet {
  rules(): readonly RuleMeta[];
  match(event: SigmaEvent): SigmaMatch[];
}

/** Options of {@link Detector}. */
export interface DetectorOptions {
  ruleSet: DetectorRuleSet;
  /** Correlation documents from `parseSigmaDocuments` / `loadRuleTexts`. */
  correlations?: RawCorrelation[];
  /** Time source for events processed without a time. */
  clock?: Clock;
  /** Most groups kept per correlation rule (oldest evicted past it). Default 10,000. */
  maxGroups?: number;
  /** Most events or distinct values kept per group. Default 10,000. */
  maxEntriesPerGroup?: number;
}

/**
 * Runs a compiled rule set and its correlation rules over events, one at a time.
 *
 * Base-rule matches are returned as `kind: 'rule'` detections, except for rules referenced by
 * correlations that leave `generate` at its specification default (false): those only feed their
 * correlations. Correlation detections (`kind: 'correlation'`) carry the correlation's own meta.
 *
 * @example
 * const detector = new Detector({ ruleSet, correlations });
 * for (const e of events) for (const d of detector.process(normalizeEvent(e), timeOf(e))) report(d);
 * for (const d of detector.flush()) report(d);
 */
export class Detector {
  /** Correlation rules that failed to parse or link, with the reason. */
  readonly errors: SigmaLoadError[];
  private readonly ruleSet: DetectorRuleSet;
  private readonly engine: CorrelationEngine | undefined;

  constructor(opts: DetectorOptions) {
    this.ruleSet = opts.ruleSet;
    const errors: SigmaLoadError[] = [];
    const parsed: CorrelationRule[] = [];
    for (const raw of opts.correlations ?? []) {
      const r = parseCorrelation(raw);
      if ('message' in r) errors.push(r);
      else parsed.push(r);
    }
    if (parsed.length > 0) {
      this.engine = new CorrelationEngine({
        correlations: parsed,
        rules: opts.ruleSet.rules(),
        clock: opts.clock ?? systemClock,
        ...(opts.maxGroups !== undefined ? { maxGroups: opts.maxGroups } : {}),
        ...(opts.maxEntriesPerGroup !== undefined ? { maxEntriesPerGroup: opts.maxEntriesPerGroup } : {}),
      });
      errors.push(...this.engine.errors);
    }
    this.errors = errors;
  }

  /** The rules of the rule set, in its order. */
  rules(): readonly RuleMeta[] {
    return this.ruleSet.rules();
  }

  /** Correlation rules loaded. */
  correlations(): readonly RuleMeta[] {
    return this.engine?.correlations() ?? [];
  }

  /**
   * Runs the rules on one event and returns its detections: rule matches, then any correlations
   * the event completes. `time` is the event time in ms (drives the windows); when it is missing or
   * not finite (unparsable timestamp) the clock's time is used.
   */
  process(event: SigmaEvent, time?: number): Detection[] {
    return this.observe(this.ruleSet.match(event), event.fields, time);
  }

  /**
   * The stateless half of {@link process}: the rules one event matches. It reads no correlation
   * state, so it may run ahead of {@link observe} (e.g. where the event was parsed).
   */
  match(event: SigmaEvent): SigmaMatch[] {
    return this.ruleSet.match(event);
  }

  /**
   * The stateful half of {@link process}: the detections of an event whose rule matches are
   * `matches` (from {@link match}; none lets time pass), with its fields and time for correlations.
   */
  observe(matches: readonly SigmaMatch[], fields: Record<string, unknown>, time?: number): Detection[] {
    const engine = this.engine;
    if (engine === undefined) return matches.map(toDetection);
    if (matches.length === 0) return engine.advance(time); // still lets anchored windows close on time
    const out: Detection[] = [];
    const ids: string[] = [];
    for (const m of matches) {
      ids.push(m.rule.id);
      if (engine.emitsRule(m.rule.id)) out.push(toDetection(m));
    }
    const corr = engine.observe(ids, fields, time);
    for (const d of corr) out.push(d);
    return out;
  }

  /** Lets time pass without events: finished correlation windows are evaluated. */
  advance(time?: number): Detection[] {
    return this.engine?.advance(time) ?? [];
  }

  /** End of input: evaluates open correlation windows (those decided on close) and clears state. */
  flush(): Detection[] {
    return this.engine?.flush() ?? [];
  }

  /** Memory-bound counters of the correlation engine. */
  stats(): CorrelationEngineStats {
    return this.engine?.stats() ?? { groups: 0, evictedGroups: 0, expiredGroups: 0, droppedEntries: 0 };
  }
}

function toDetection(m: SigmaMatch): Detection {
  return { rule: m.rule, matched: m.matched, kind: 'rule' };
}
