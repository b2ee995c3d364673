import { RecentMemo } from './recent-memo.js';

/** Raw values from this length on are looked up; shorter ones are cheaper to probe again. */
export const probeMemoMinLength = 256;

/**
 * The rules one field's index probe marked for the last few distinct long raw values of the
 * field. Sysmon process access events carry a ~500-character `CallTrace` that 19 events in 20
 * share with one of the 16 before (the same caller stacks recur); probing it folds the value
 * and searches it for each substring anchor, while a repeat is found by one comparison that
 * fails on the length or the first characters, or succeeds by a native memcmp.
 *
 * Exact: a field's probe reads nothing but the field's value, so equal values mark equal rules.
 * Only for probes that note nothing else (no automaton scan handed to the evaluation). The memo
 * measures itself and steps aside when too few values repeat (see RecentMemo).
 */
export class ProbeMemo extends RecentMemo<readonly number[]> {
  /**
   * The rules `raw` marked when it was seen lately; undefined when it was not, or when the memo
   * rests (then {@link remember} is a no-op too).
   */
  get(raw: string): readonly number[] | undefined {
    return this.rests() ? undefined : this.lookup(raw);
  }
}
