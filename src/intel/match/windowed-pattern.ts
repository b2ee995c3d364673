import { ComparisonEvaluator, EvaluationError, firstBinding, type ObservationExpression, type ObservationLeaf, type ObservationScope, type TimedObservation } from '../pattern/index.js';

/** How much past a live window keeps. */
export interface WindowLimits {
  /** Span kept when the pattern has no WITHIN (REPEATS alone, AND/FOLLOWEDBY without WITHIN). */
  defaultSpanMs: number;
  /** Most remembered observations per indicator; the oldest go first. */
  maxEntries: number;
}

interface Entry extends TimedObservation {
  /** Which leaves (bracketed observation expressions) held on this event. */
  hits: Uint8Array;
}

/**
 * A pattern over several observations, matched on the live event stream: each event that
 * satisfies at least one bracketed observation expression is remembered (its time and which
 * expressions it satisfied, never the event itself), for the longest WITHIN span of the pattern
 * or `defaultSpanMs`; the observation operators then run over what is remembered, as
 * matchObservedData does over a batch. A completed match is reported once and forgets the
 * observations it used, so the next report needs new events. Times are the events' own (the
 * caller passes its injected clock's time for events without one).
 */
export class WindowedPattern {
  private readonly leaves: ObservationLeaf[] = [];
  private readonly evaluators: ComparisonEvaluator[] = [];
  private readonly spanMs: number;
  private entries: Entry[] = [];
  private latest = -Infinity;

  constructor(
    readonly root: ObservationExpression,
    private readonly limits: WindowLimits,
  ) {
    let within = 0;
    const walk = (o: ObservationExpression): void => {
      if (o.kind === 'observation') {
        this.leaves.push(o);
        this.evaluators.push(new ComparisonEvaluator(o.comparison));
      } else if (o.kind === 'group') walk(o.inner);
      else if (o.kind === 'qualified') {
        if (o.qualifier.kind === 'within') within = Math.max(within, o.qualifier.seconds * 1000);
        walk(o.inner);
      } else {
        walk(o.left);
        walk(o.right);
      }
    };
    walk(root);
    this.spanMs = within > 0 ? within : limits.defaultSpanMs;
  }

  /** Remembered observations (for tests and metrics). */
  get remembered(): number {
    return this.entries.length;
  }

  /**
   * Feeds one event's SCOs observed at `time` (`types`: the object types among them). When the pattern completes with this event,
   * returns the observation expression the event satisfied (to report the field); else undefined.
   */
  observe(scope: ObservationScope, time: number, types: ReadonlySet<unknown>): ObservationLeaf | undefined {
    let hits: Uint8Array | undefined;
    for (let i = 0; i < this.evaluators.length; i++) {
      if (!this.evaluators[i]!.couldHold(types)) continue;
      let held = false;
      try {
        held = this.evaluators[i]!.evaluate(scope).size > 0;
      } catch (e) {
        if (!(e instanceof EvaluationError)) throw e;
      }
      if (!held) continue;
      hits ??= new Uint8Array(this.leaves.length);
      hits[i] = 1;
    }
    if (!hits) return undefined;
    this.latest = Math.max(this.latest, time);
    const horizon = this.latest - this.spanMs;
    this.entries = this.entries.filter((e) => e.last >= horizon);
    this.entries.push({ first: time, last: time, count: 1, hits });
    if (this.entries.length > this.limits.maxEntries) this.entries.splice(0, this.entries.length - this.limits.maxEntries);
    const entries = this.entries;
    const used = firstBinding(this.root, entries, (leaf, i) => entries[i]!.hits[this.leaves.indexOf(leaf)] === 1);
    if (!used) return undefined;
    const drop = new Set(used);
    this.entries = entries.filter((_, i) => !drop.has(i));
    return this.leaves[hits.indexOf(1)];
  }
}
