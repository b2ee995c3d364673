import type { CorrelationRule } from './correlation-rule.js';
import { numericValue, readField, valueKey } from './read-field.js';
import { OrderedSequenceWindow, RuleSetWindow } from './temporal-windows.js';

/**
 * The aggregate state of one (correlation, group-by key) pair. Entries are expected in time order;
 * `expire(cutoff)` drops every entry at or before `cutoff` (sliding windows only: a window of
 * length T ending at t holds the entries with time > t - T).
 */
export interface GroupWindow {
  /** Adds one event that matched referenced rule `ruleIndex`. Returns false if the event carries no usable value. */
  add(ruleIndex: number, fields: Record<string, unknown>, time: number): boolean;
  expire(cutoff: number): void;
  /** The aggregate the condition is compared with. */
  value(): number;
  /** Time of the oldest entry still counted (NaN when empty). */
  start(): number;
  /** Entries merged or dropped because the per-group entry cap was reached. */
  dropped: number;
}

/**
 * Creates the window for a correlation type and evaluation mode.
 *
 * Memory per group is bounded by `maxEntries`. Windows evaluated on close keep counters only
 * (value_count and value_percentile: one entry per distinct value). Sliding counts and sums keep
 * one (time, amount) entry per event; past the cap the two oldest entries merge into one at the
 * older time, so the merged events leave the window a little early: the aggregate may be
 * under-counted for a while, never over-counted, so a correlation can fire late but never wrongly.
 * Distinct values past the cap drop the least recently seen one (same direction of error).
 */
export function createGroupWindow(rule: CorrelationRule, maxEntries: number, mode: 'sliding' | 'closing'): GroupWindow {
  const sliding = mode === 'sliding';
  switch (rule.type) {
    case 'event_count':
      return sliding ? new EventCountWindow(maxEntries) : new CounterWindow();
    case 'value_count':
      return new DistinctValueWindow(rule.fields, maxEntries);
    case 'value_sum':
      return new NumericWindow(rule.fields, maxEntries, false, sliding);
    case 'value_avg':
      return new NumericWindow(rule.fields, maxEntries, true, sliding);
    case 'value_percentile':
      return new ValueShareWindow(rule.fields, maxEntries);
    case 'temporal':
      return new RuleSetWindow(rule.rules.length);
    case 'temporal_ordered':
      return new OrderedSequenceWindow(rule.rules.length);
  }
}

/** The tuple key of the aggregated fields; undefined when any of them is missing (fields are linked by AND). */
export function tupleKey(fields: Record<string, unknown>, names: readonly string[]): string | undefined {
  if (names.length === 1) return valueKey(readField(fields, names[0] ?? ''));
  const parts: string[] = [];
  for (const n of names) {
    const k = valueKey(readField(fields, n));
    if (k === undefined) return undefined;
    parts.push(k);
  }
  return JSON.stringify(parts);
}

/** A time-ordered FIFO of (time, amount) with amortised O(1) pops. */
class TimeQueue {
  times: number[] = [];
  nums: number[] = [];
  head = 0;
  get length(): number {
    return this.times.length - this.head;
  }
  /** Appends, or inserts in time order when the entry arrived late (rare: a short scan from the end). */
  push(t: number, n: number): void {
    let i = this.times.length;
    while (i > this.head && (this.times[i - 1] ?? 0) > t) i--;
    if (i === this.times.length) {
      this.times.push(t);
      this.nums.push(n);
    } else {
      this.times.splice(i, 0, t);
      this.nums.splice(i, 0, n);
    }
  }
  /** Removes the oldest entry and returns its number. */
  shift(): number {
    const n = this.nums[this.head] ?? 0;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.nums = this.nums.slice(this.head);
      this.head = 0;
    }
    return n;
  }
  firstTime(): number {
    return this.length > 0 ? (this.times[this.head] ?? Number.NaN) : Number.NaN;
  }
  /** Folds the oldest entry into the next one, which takes the older time (see createGroupWindow). */
  mergeOldest(): void {
    const h = this.head;
    if (this.length < 2) return;
    this.nums[h + 1] = (this.nums[h + 1] ?? 0) + (this.nums[h] ?? 0);
    this.times[h + 1] = this.times[h] ?? 0;
    this.shift();
  }
}

class EventCountWindow implements GroupWindow {
  private q = new TimeQueue();
  private count = 0;
  dropped = 0;
  constructor(private readonly maxEntries: number) {}
  add(_i: number, _f: Record<string, unknown>, time: number): boolean {
    this.q.push(time, 1);
    this.count++;
    if (this.q.length > this.maxEntries) {
      this.q.mergeOldest();
      this.dropped++;
    }
    return true;
  }
  expire(cutoff: number): void {
    while (this.q.length > 0 && this.q.firstTime() <= cutoff) this.count -= this.q.shift();
  }
  value(): number {
    return this.count;
  }
  start(): number {
    return this.q.firstTime();
  }
}

/** A plain counter, for event counts decided when the window closes. */
class CounterWindow implements GroupWindow {
  private n = 0;
  private first = Number.NaN;
  dropped = 0;
  add(_i: number, _f: Record<string, unknown>, time: number): boolean {
    if (this.n++ === 0) this.first = time;
    return true;
  }
  expire(): void {}
  value(): number {
    return this.n;
  }
  start(): number {
    return this.first;
  }
}

/**
 * Distinct values: value → time last seen, kept in last-seen order so expiry pops from the front.
 * A late entry breaks that order; from then on expiry scans the whole (bounded) map.
 */
class DistinctValueWindow implements GroupWindow {
  private seen = new Map<string, number>();
  private newest = Number.NEGATIVE_INFINITY;
  private disordered = false;
  dropped = 0;
  constructor(
    private readonly fields: readonly string[],
    private readonly maxEntries: number,
  ) {}
  add(_i: number, f: Record<string, unknown>, time: number): boolean {
    const k = tupleKey(f, this.fields);
    if (k === undefined) return false;
    const prev = this.seen.get(k);
    if (prev !== undefined && prev >= time) return true;
    this.seen.delete(k);
    this.seen.set(k, time);
    if (time < this.newest) this.disordered = true;
    else this.newest = time;
    if (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
      this.dropped++;
    }
    return true;
  }
  expire(cutoff: number): void {
    for (const [k, t] of this.seen) {
      if (t > cutoff) {
        if (this.disordered) continue;
        break;
      }
      this.seen.delete(k);
    }
  }
  value(): number {
    return this.seen.size;
  }
  start(): number {
    for (const t of this.seen.values()) return t;
    return Number.NaN;
  }
}

/** Sum or average of a numeric field with a running total; only sliding windows queue the entries. */
class NumericWindow implements GroupWindow {
  private q = new TimeQueue();
  private sum = 0;
  private n = 0;
  private first = Number.NaN;
  dropped = 0;
  constructor(
    private readonly fields: readonly string[],
    private readonly maxEntries: number,
    private readonly average: boolean,
    private readonly sliding: boolean,
  ) {}
  add(_i: number, f: Record<string, unknown>, time: number): boolean {
    const n = numericValue(readField(f, this.fields[0] ?? ''));
    if (n === undefined) return false;
    this.sum += n;
    if (this.n++ === 0) this.first = time;
    if (!this.sliding) return true;
    this.q.push(time, n);
    if (this.q.length > this.maxEntries) {
      this.q.mergeOldest();
      this.dropped++;
    }
    return true;
  }
  /** Only sliding sums expire (averages are always decided on close, see evaluationMode). */
  expire(cutoff: number): void {
    while (this.q.length > 0 && this.q.firstTime() <= cutoff) {
      this.sum -= this.q.shift();
      if (this.q.length === 0) this.sum = 0; // no drift from float subtraction once empty
    }
  }
  value(): number {
    if (!this.average) return this.sum;
    return this.n === 0 ? 0 : this.sum / this.n;
  }
  start(): number {
    return this.sliding ? this.q.firstTime() : this.first;
  }
}

/**
 * For value_percentile: how often each value occurs in the window. Always evaluated on closed
 * (anchored) windows, so it keeps counts only and never expires entries.
 */
export class ValueShareWindow implements GroupWindow {
  readonly counts = new Map<string, number>();
  total = 0;
  dropped = 0;
  private first = Number.NaN;
  constructor(
    private readonly fields: readonly string[],
    private readonly maxEntries: number,
  ) {}
  add(_i: number, f: Record<string, unknown>, time: number): boolean {
    const k = tupleKey(f, this.fields);
    if (k === undefined) return false;
    if (this.total === 0) this.first = time;
    const c = this.counts.get(k);
    this.total++;
    // Past the cap a new value still counts in the total (other shares stay right) but is not tracked.
    if (c === undefined && this.counts.size >= this.maxEntries) this.dropped++;
    else this.counts.set(k, (c ?? 0) + 1);
    return true;
  }
  expire(): void {}
  /** Share in percent (0–100) of the events in the window that carry `key`. */
  share(key: string): number {
    return this.total === 0 ? 0 : ((this.counts.get(key) ?? 0) * 100) / this.total;
  }
  value(): number {
    return this.total;
  }
  start(): number {
    return this.first;
  }
}
