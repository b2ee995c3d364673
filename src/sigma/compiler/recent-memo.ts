import { MemoTrial } from './memo-trial.js';

/**
 * Entries kept, most recent first out. Keys are compared with `===` rather than hashed into a Map:
 * a comparison fails on the length or the first characters, and a match is a native memcmp, where
 * hashing a 5 KB key cost as much as a third of the work it saved.
 */
const kept = 16;
/** Lookups per trial (see MemoTrial). */
const trialLength = 512;

/**
 * The results of the last few distinct long keys (values or lines of an event), found again by
 * content. It measures itself in trials of {@link trialLength} lookups (see MemoTrial): when
 * too few keys repeat, it clears and rests, counted by the caller through {@link rests}.
 */
export class RecentMemo<T> {
  private readonly keys: string[] = [];
  private readonly results: T[] = [];
  /** Slot the next new key replaces (round robin). */
  private next = 0;
  private readonly trial = new MemoTrial(trialLength);

  /** Whether the memo is taking keys (not resting). */
  get active(): boolean {
    return this.trial.active;
  }

  /** Counts one use off a rest: true while the memo rests (do the work without it). */
  rests(): boolean {
    return this.trial.rests();
  }

  /** What was remembered for a key equal to `key`, if kept; each lookup counts toward the trial. */
  lookup(key: string): T | undefined {
    let known: T | undefined;
    const keys = this.keys;
    const n = keys.length;
    // Newest first: a value that repeats mostly repeats the last one.
    for (let j = 1, k = this.next; j <= n; j++) {
      k = k === 0 ? n - 1 : k - 1;
      if (keys[k] === key) {
        known = this.results[k];
        break;
      }
    }
    if (this.trial.failed(known !== undefined)) this.clear();
    return known;
  }

  /** Forgets every key (the results they stand for changed). */
  clear(): void {
    this.keys.length = 0;
    this.results.length = 0;
    this.next = 0;
  }

  /** Keeps `result` for `key` (a no-op while resting). */
  remember(key: string, result: T): void {
    if (!this.trial.active) return;
    this.keys[this.next] = key;
    this.results[this.next] = result;
    this.next = (this.next + 1) % kept;
  }
}
