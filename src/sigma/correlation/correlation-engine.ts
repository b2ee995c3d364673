import { systemClock, type Clock } from '../../shared/clock.js';
import type { RuleMeta, SigmaLoadError } from '../sigma-types.js';
import { conditionHolds, evaluationMode } from './correlation-condition.js';
import type { CorrelationRule } from './correlation-rule.js';
import type { Detection } from './detection.js';
import { createGroupWindow, ValueShareWindow, type GroupWindow } from './group-window.js';
import { linkCorrelations, type LinkedCorrelation } from './link-correlations.js';
import { readField, valueKey } from './read-field.js';

/** Options of {@link CorrelationEngine}. */
export interface CorrelationEngineOptions {
  /** Parsed correlation rules (see `parseCorrelation`). */
  correlations: CorrelationRule[];
  /** The loaded base rules, to resolve references by `id` or `name`. */
  rules: readonly RuleMeta[];
  /** Time source when an event carries no time. */
  clock?: Clock;
  /** Most groups (distinct group-by values) kept per correlation; the oldest is evicted past it. Default 10,000. */
  maxGroups?: number;
  /** Most entries (events or distinct values) kept per group; past it the oldest are merged or dropped (see createGroupWindow). Default 10,000. */
  maxEntriesPerGroup?: number;
}

/** Counters that show the memory bounds at work. */
export interface CorrelationEngineStats {
  /** Groups currently held. */
  groups: number;
  /** Groups evicted because a correlation reached `maxGroups`. */
  evictedGroups: number;
  /** Groups removed because their window expired. */
  expiredGroups: number;
  /** Entries merged into an older one, or distinct values dropped, because a group reached `maxEntriesPerGroup`. */
  droppedEntries: number;
}

interface Group {
  window: GroupWindow;
  /** First event of the group: the anchor of windows evaluated on close. */
  anchor: number;
  last: number;
  values: unknown[];
  rules: Set<number>;
  fields: Record<string, unknown>;
}

interface Live {
  link: LinkedCorrelation;
  mode: 'sliding' | 'closing';
  emit: boolean;
  /** Whether other correlations chain on this one (only then a group keeps its last event's fields). */
  chained: boolean;
  groups: Map<string, Group>;
}

interface Input {
  idx: number;
  fields: Record<string, unknown>;
  time: number;
}

const countTypes = new Set(['event_count', 'value_count', 'temporal', 'temporal_ordered']);
/** How often (in event time) idle groups are expired and finished windows evaluated. */
const sweepIntervalMs = 1000;
const noInputs: Input[] = [];
const noFields: Record<string, unknown> = Object.freeze({});

/** A correlation that fired, with the fields and time it passes on to chained correlations. */
interface Firing {
  detection: Detection;
  fields: Record<string, unknown>;
  time: number;
}

/**
 * Streaming evaluation of Sigma correlation rules over base-rule matches.
 *
 * Windows: a window of length T ending at time t holds events with time in (t - T, t]; an event
 * exactly T after another is outside its window. Sliding correlations (only gt/gte on a growing
 * aggregate) fire on the event that satisfies the condition; windows with an upper bound or an
 * average/percentile are anchored at the group's first event, cover [anchor, anchor + T) and are
 * evaluated once, as soon as the time of any event (or of {@link advance}) reaches anchor + T, or
 * on {@link flush} at the end of the input. Idle sliding groups are expired by a sweep that runs
 * at most once per second of event time.
 *
 * Chaining: a correlation's firing feeds the correlations that reference it as one event, made of
 * the fields of the group's last event overlaid with the group-by values, at that event's time.
 *
 * Re-alerting: after a correlation fires for a group, that group's state is cleared, so the next
 * alert needs a fresh set of events (at most one alert per window per group).
 *
 * value_percentile: for each distinct value of `field` in a closed window, its share in percent of
 * the group's events (0–100) is compared with the condition, e.g. `lte: 1` finds values seen in at
 * most 1% of the events (rare processes); one detection per qualifying value.
 *
 * Memory: at most `maxGroups` groups per correlation (oldest evicted, counted) and
 * `maxEntriesPerGroup` entries per group; idle groups are removed once their window has passed.
 *
 * Late events (logs are only roughly ordered): a sliding window ends at the latest event time
 * seen for its group; a late event inside it is counted at its own time, one older than it is
 * ignored. In temporal_ordered, order means event time: a late event timed before a partial
 * sequence began cannot extend it.
 */
export class CorrelationEngine {
  /** Correlations that could not be linked (unknown references, cycles, clashing ids). */
  readonly errors: SigmaLoadError[];
  private readonly live: Live[];
  private readonly subscribers = new Map<string, { c: number; idx: number }[]>();
  private readonly suppressed: Set<string>;
  private readonly idByName = new Map<string, string>();
  private readonly clock: Clock;
  private readonly maxGroups: number;
  private readonly maxEntries: number;
  private nextSweep = Number.NEGATIVE_INFINITY;
  /** Scratch list of one correlation's firings during `run` (reused: `run` is on the hot path). */
  private readonly fired: Firing[] = [];
  private evicted = 0;
  private expired = 0;
  private dropped = 0;

  constructor(opts: CorrelationEngineOptions) {
    const links = linkCorrelations(opts.correlations, opts.rules);
    this.errors = links.errors;
    this.suppressed = links.suppressed;
    this.clock = opts.clock ?? systemClock;
    this.maxGroups = Math.max(1, opts.maxGroups ?? 10_000);
    this.maxEntries = Math.max(1, opts.maxEntriesPerGroup ?? 10_000);
    this.live = links.ordered.map((link, c) => {
      link.sources.forEach((s, idx) => {
        const subs = this.subscribers.get(s) ?? [];
        subs.push({ c, idx });
        this.subscribers.set(s, subs);
      });
      const mode = evaluationMode(link.rule.type, link.rule.condition);
      return { link, mode, emit: !links.suppressed.has(link.key), chained: false, groups: new Map() };
    });
    for (const l of this.live) l.chained = this.subscribers.has(l.link.key);
    for (const r of opts.rules) if (r.name !== undefined && !this.idByName.has(r.name)) this.idByName.set(r.name, r.id);
  }

  /** Number of correlations loaded. */
  get size(): number {
    return this.live.length;
  }

  /** Correlations loaded, in evaluation order. */
  correlations(): readonly RuleMeta[] {
    return this.live.map((l) => l.link.rule.meta);
  }

  /** False when the rule is referenced by correlations and none of them says `generate: true`. */
  emitsRule(ruleId: string): boolean {
    return !this.suppressed.has(ruleId);
  }

  /**
   * Feeds the rules that matched one event (by id, or by name; give each rule once), with the
   * event's fields and time in ms, and returns the correlation detections this completes, chained
   * correlations included.
   */
  observe(ruleIds: readonly string[], fields: Record<string, unknown>, time?: number): Detection[] {
    time = this.timeOf(time);
    let pending: Input[][] | undefined;
    for (const id of ruleIds) {
      const subs = this.subscribers.get(id) ?? this.subscribers.get(this.idByName.get(id) ?? '');
      if (subs === undefined) continue;
      pending ??= [];
      for (const s of subs) (pending[s.c] ??= []).push({ idx: s.idx, fields, time });
    }
    if (pending === undefined && time < this.nextSweep) return [];
    // One event matching several rules of a temporal_ordered correlation must not advance it twice.
    if (pending !== undefined) for (const p of pending) p?.sort((a, b) => b.idx - a.idx);
    return this.run(pending, time, false);
  }

  /** Lets time pass without an event: finished windows are evaluated, idle groups removed. */
  advance(time?: number): Detection[] {
    const t = this.timeOf(time);
    return t < this.nextSweep ? [] : this.run(undefined, t, false);
  }

  /** The event time, or the clock's when it is missing or not a finite number (an unparsable timestamp). */
  private timeOf(time: number | undefined): number {
    return time !== undefined && Number.isFinite(time) ? time : this.clock.now();
  }

  /** End of input: evaluates every open anchored window now and clears all state. */
  flush(): Detection[] {
    return this.run(undefined, Number.POSITIVE_INFINITY, true);
  }

  stats(): CorrelationEngineStats {
    let groups = 0;
    let dropped = this.dropped;
    for (const l of this.live) {
      groups += l.groups.size;
      for (const g of l.groups.values()) dropped += g.window.dropped;
    }
    return { groups, evictedGroups: this.evicted, expiredGroups: this.expired, droppedEntries: dropped };
  }

  private run(pending: Input[][] | undefined, time: number, flush: boolean): Detection[] {
    let out: Detection[] | undefined;
    const sweep = flush || time >= this.nextSweep;
    if (sweep && !flush) this.nextSweep = time + sweepIntervalMs;
    for (let ci = 0; ci < this.live.length; ci++) {
      const c = this.live[ci] as Live;
      const fired = this.fired;
      fired.length = 0;
      if (sweep && !flush) this.sweep(c, time, fired);
      for (const input of pending?.[ci] ?? noInputs) this.feed(c, input, fired);
      if (flush) this.closeAll(c, fired);
      const subs = this.subscribers.get(c.link.key);
      for (const f of fired) {
        if (c.emit) (out ??= []).push(f.detection);
        for (const s of subs ?? []) ((pending ??= [])[s.c] ??= []).push({ idx: s.idx, fields: f.fields, time: f.time });
      }
      fired.length = 0;
    }
    // Anchored windows are closed exactly at their end, not at the next periodic sweep.
    if (sweep && !flush) for (const c of this.live) if (c.mode === 'closing') this.scheduleClose(c);
    return out ?? [];
  }

  private feed(c: Live, input: Input, fired: Firing[]): void {
    const rule = c.link.rule;
    const gf = c.link.groupFields[input.idx] ?? [];
    const values: unknown[] = [];
    let key = '';
    for (const f of gf) {
      const v = readField(input.fields, f);
      const k = valueKey(v);
      if (k === undefined) return;
      values.push(v);
      key += `${k.length}:${k}`;
    }
    const t = input.time;
    let g = c.groups.get(key);
    if (g !== undefined && c.mode === 'closing' && t >= g.anchor + rule.timespanMs) {
      this.remove(c, key, g);
      this.evaluateClosed(c, g, fired);
      g = undefined;
    }
    if (g === undefined) {
      if (c.groups.size >= this.maxGroups) this.evictOldest(c);
      g = { window: createGroupWindow(rule, this.maxEntries, c.mode), anchor: t, last: t, values, rules: new Set(), fields: noFields };
      c.groups.set(key, g);
      if (c.mode === 'closing') this.nextSweep = Math.min(this.nextSweep, t + rule.timespanMs);
    } else if (c.mode === 'sliding') {
      // The window ends at the latest event time seen for the group, so a late event cannot
      // bring back entries that already expired, and one older than the window is ignored.
      const cutoff = Math.max(g.last, t) - rule.timespanMs;
      g.window.expire(cutoff);
      if (t <= cutoff) return;
      c.groups.delete(key); // re-insert: the map stays in last-activity order for expiry and eviction
      c.groups.set(key, g);
    }
    if (!g.window.add(input.idx, input.fields, t)) {
      if (g.rules.size === 0) c.groups.delete(key); // never leave an empty window to be evaluated
      return;
    }
    g.rules.add(input.idx);
    g.last = Math.max(g.last, t);
    if (c.chained) g.fields = input.fields;
    if (c.mode === 'sliding' && conditionHolds(rule.condition, g.window.value())) {
      this.remove(c, key, g);
      fired.push(this.detection(c, g, g.window.value(), g.window.start(), g.last));
    }
  }

  private sweep(c: Live, time: number, fired: Firing[]): void {
    const span = c.link.rule.timespanMs;
    for (const [key, g] of c.groups) {
      if (c.mode === 'sliding') {
        if (g.last > time - span) break;
        this.remove(c, key, g);
        this.expired++;
      } else {
        if (g.anchor + span > time) break;
        this.remove(c, key, g);
        this.evaluateClosed(c, g, fired);
      }
    }
  }

  private scheduleClose(c: Live): void {
    for (const g of c.groups.values()) {
      this.nextSweep = Math.min(this.nextSweep, g.anchor + c.link.rule.timespanMs);
      return;
    }
  }

  private closeAll(c: Live, fired: Firing[]): void {
    for (const [key, g] of c.groups) {
      this.remove(c, key, g);
      if (c.mode === 'closing') this.evaluateClosed(c, g, fired);
    }
  }

  private evaluateClosed(c: Live, g: Group, fired: Firing[]): void {
    const rule = c.link.rule;
    const end = g.anchor + rule.timespanMs;
    if (g.window instanceof ValueShareWindow) {
      for (const v of g.window.counts.keys()) {
        const share = g.window.share(v);
        if (conditionHolds(rule.condition, share)) fired.push(this.detection(c, g, share, g.anchor, end, v));
      }
      return;
    }
    const value = g.window.value();
    if (conditionHolds(rule.condition, value)) fired.push(this.detection(c, g, value, g.anchor, end));
  }

  private evictOldest(c: Live): void {
    for (const [key, g] of c.groups) {
      this.remove(c, key, g);
      this.evicted++;
      return;
    }
  }

  private remove(c: Live, key: string, g: Group): void {
    c.groups.delete(key);
    this.dropped += g.window.dropped;
    g.window.dropped = 0;
  }

  /**
   * A firing: the detection, and for chained correlations a synthetic event made of the group's
   * last event overlaid with the group-by values (so an outer correlation can group by them),
   * timed at the group's last event.
   */
  private detection(c: Live, g: Group, value: number, start: number, end: number, fieldValue?: string): Firing {
    const rule = c.link.rule;
    const groupBy: Record<string, unknown> = {};
    rule.groupBy.forEach((name, i) => (groupBy[name] = g.values[i]));
    const rules = [...g.rules].sort((a, b) => a - b).map((i) => c.link.sources[i] ?? '');
    const detection: Detection = {
      rule: rule.meta,
      matched: [],
      kind: 'correlation',
      correlation: {
        type: rule.type,
        groupBy,
        ...(countTypes.has(rule.type) ? { count: value } : {}),
        value,
        ...(fieldValue !== undefined ? { fieldValue } : {}),
        rules,
        windowStart: Number.isNaN(start) ? g.anchor : start,
        windowEnd: end,
      },
    };
    return { detection, fields: { ...g.fields, ...groupBy }, time: g.last };
  }
}
