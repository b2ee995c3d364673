import type { GroupWindow } from './group-window.js';

/** temporal: the latest time each referenced rule matched; the aggregate is how many rules are in the window. */
export class RuleSetWindow implements GroupWindow {
  private lastSeen: number[];
  dropped = 0;
  constructor(ruleCount: number) {
    this.lastSeen = new Array<number>(ruleCount).fill(Number.NaN);
  }
  add(ruleIndex: number, _f: Record<string, unknown>, time: number): boolean {
    const prev = this.lastSeen[ruleIndex] ?? Number.NaN;
    if (Number.isNaN(prev) || time > prev) this.lastSeen[ruleIndex] = time;
    return true;
  }
  expire(cutoff: number): void {
    for (let i = 0; i < this.lastSeen.length; i++) {
      if ((this.lastSeen[i] ?? Number.NaN) <= cutoff) this.lastSeen[i] = Number.NaN;
    }
  }
  value(): number {
    let n = 0;
    for (const t of this.lastSeen) if (!Number.isNaN(t)) n++;
    return n;
  }
  start(): number {
    let min = Number.NaN;
    for (const t of this.lastSeen) if (!Number.isNaN(t) && !(t >= min)) min = t;
    return min;
  }
}

/**
 * temporal_ordered: `starts[k]` is the start time of the latest-starting partial sequence that has
 * matched rules 0..k in order. Keeping only the latest start per step is enough: a later start can
 * only fit a window better. The aggregate is the longest in-order prefix (all rules = complete).
 * When one event matches several referenced rules the engine feeds it highest index first, so a
 * single event never advances the sequence by two steps.
 */
export class OrderedSequenceWindow implements GroupWindow {
  private starts: number[];
  dropped = 0;
  constructor(ruleCount: number) {
    this.starts = new Array<number>(ruleCount).fill(Number.NaN);
  }
  add(ruleIndex: number, _f: Record<string, unknown>, time: number): boolean {
    if (ruleIndex === 0) {
      const cur = this.starts[0] ?? Number.NaN;
      if (Number.isNaN(cur) || time > cur) this.starts[0] = time;
      return true;
    }
    const prev = this.starts[ruleIndex - 1] ?? Number.NaN;
    // Nothing to extend, or an event (arriving late) timed before the partial sequence began.
    if (Number.isNaN(prev) || time < prev) return false;
    const cur = this.starts[ruleIndex] ?? Number.NaN;
    if (Number.isNaN(cur) || prev > cur) this.starts[ruleIndex] = prev;
    return true;
  }
  expire(cutoff: number): void {
    for (let i = 0; i < this.starts.length; i++) {
      if ((this.starts[i] ?? Number.NaN) <= cutoff) this.starts[i] = Number.NaN;
    }
  }
  value(): number {
    for (let i = this.starts.length - 1; i >= 0; i--) if (!Number.isNaN(this.starts[i] ?? Number.NaN)) return i + 1;
    return 0;
  }
  start(): number {
    const v = this.value();
    return v === 0 ? Number.NaN : (this.starts[v - 1] ?? Number.NaN);
  }
}
