/** Raw values from this length on are looked up; shorter ones are cheaper to probe again. */
export const probeMemoMinLength = 256;
/** Values kept (round robin), compared with `===`: see LineScanMemo on why not a Map. */
const kept = 16;
/** Lookups per trial, and the share of them that must hit for the memo to stay on. */
const trial = 512;
const minHitRate = 0.25;
/** Lookups skipped after a failed trial before the memo is tried again (the data may change). */
const retryAfter = 65_536;

/**
 * The rules one field's index probe marked for the last few distinct long raw values of the
 * field. Sysmon process access events carry a ~500-character `CallTrace` that 19 events in 20
 * share with one of the 16 before (the same caller stacks recur); probing it folds the value
 * and searches it for each substring anchor, while a repeat is found by one comparison that
 * fails on the length or the first characters, or succeeds by a native memcmp.
 *
 * Exact: a field's probe reads nothing but the field's value, so equal values mark equal rules.
 * Only for probes that note nothing else (no automaton scan handed to the evaluation). The memo
 * measures itself and steps aside when too few values repeat.
 */
export class ProbeMemo {
  private readonly values: string[] = [];
  private readonly marked: (readonly number[])[] = [];
  private next = 0;
  private lookups = 0;
  private repeats = 0;
  /** Lookups left to skip, after a trial in which too few values repeated. */
  private resting = 0;

  /**
   * The rules `raw` marked when it was seen lately; undefined when it was not, or when the memo
   * rests (then {@link remember} is a no-op too).
   */
  get(raw: string): readonly number[] | undefined {
    if (this.resting > 0) {
      this.resting--;
      return undefined;
    }
    let known: readonly number[] | undefined;
    const values = this.values;
    for (let k = 0; k < values.length; k++) {
      if (values[k] === raw) {
        known = this.marked[k];
        break;
      }
    }
    if (known !== undefined) this.repeats++;
    if (++this.lookups === trial) {
      if (this.repeats < trial * minHitRate) {
        this.resting = retryAfter;
        values.length = 0;
        this.marked.length = 0;
        this.next = 0;
      }
      this.lookups = 0;
      this.repeats = 0;
    }
    return known;
  }

  /** Whether the memo is taking values (not resting). */
  get active(): boolean {
    return this.resting === 0;
  }

  /** Records the rules `raw` marked (indexes in the bucket, duplicates allowed). */
  remember(raw: string, rules: readonly number[]): void {
    if (this.resting > 0) return;
    this.values[this.next] = raw;
    this.marked[this.next] = rules;
    this.next = (this.next + 1) % kept;
  }
}
