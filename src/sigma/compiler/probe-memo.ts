import { RecentMemo } from './recent-memo.js';

/**
 * Raw values from this length on are looked up. The memo began at 256 characters, for call
 * traces; looking up the short image paths too (Sysmon 10's `TargetImage`, Sysmon 7's `Image`,
 * which change on one event in four or fewer) made the whole stream ~2 % faster in both load
 * orders of an A/B run, and 1 instead of 16 made no difference.
 */
export const probeMemoMinLength = 16;

/**
 * The rules one field's index probe marked for the last few distinct raw values of the field
 * (from {@link probeMemoMinLength} characters). Sysmon process access events carry a
 * ~500-character `CallTrace` that 19 events in 20 share with one of the 16 before (the same
 * caller stacks recur); probing it folds the value and searches it for each substring anchor,
 * while a repeat is found by one comparison that fails on the length or the first characters,
 * or succeeds by a native memcmp.
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
