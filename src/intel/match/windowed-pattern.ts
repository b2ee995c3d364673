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
  /** Remembered observations per window key (one per organisation, so streams never mix). */
  private readonly windows = new Map<string, { entries: Entry[]; latest: number }>();

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

  /** Remembered observations over all keys (for tests and metrics). */
  get remembered(): number {
    let n = 0;
    for (const w of this.windows.values()) n += w.entries.length;
    return n;
  }

  /**
   * Feeds one event's SCOs observed at `time` (`types`: the object types among them) into the
   * window of `key` (events of different keys never complete one match). When the pattern completes with this event,
   * returns the observation expression the event satisfied (to report the field); else undefined.
   */
  observe(scope: ObservationScope, time: number, types: ReadonlySet<unknown>, key = ''): ObservationLeaf | undefined {
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
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = { entries: [], latest: -Infinity }));
    w.latest = Math.max(w.latest, time);
    const horizon = w.latest - this.spanMs;
    const entries = w.entries.filter((e) => e.last >= horizon);
    entries.push({ first: time, last: time, count: 1, hits });
    if (entries.length > this.limits.maxEntries) entries.splice(0, entries.length - this.limits.maxEntries);
    w.entries = entries;
    let used: number[] | undefined;
    try {
      used = firstBinding(this.root, entries, (leaf, i) => entries[i]!.hits[this.leaves.indexOf(leaf)] === 1);
    } catch (e) {
      if (!(e instanceof EvaluationError)) throw e;
    }
    if (!used) return undefined;
    const drop = new Set(used);
    w.entries = entries.filter((_, i) => !drop.has(i));
    return this.leaves[hits.indexOf(1)];
  }
}
