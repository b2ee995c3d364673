/** The share of a trial's lookups that must hit for a memo to stay on. */
const minHitRate = 0.25;
/** Uses skipped after a failed trial before the memo is tried again (the data may change). */
const retryAfter = 65_536;

/**
 * How a memo measures itself (RecentMemo, ProbeCache): its lookups are counted in trials of a
 * fixed length, and after a trial in which fewer than a quarter hit, the memo forgets its keys
 * and rests for 65,536 uses, counted by its caller through {@link rests}: a miss costs the lookup
 * on top of the work, so a memo of values that do not repeat only slows the work down.
 */
export class MemoTrial {
  private lookups = 0;
  private repeats = 0;
  /** Uses left to do without the memo. */
  private resting = 0;

  /** @param length lookups per trial */
  constructor(private readonly length: number) {}

  /** Whether the memo is taking keys (not resting). */
  get active(): boolean {
    return this.resting === 0;
  }

  /** Counts one use off a rest: true while the memo rests (do the work without it). */
  rests(): boolean {
    if (this.resting === 0) return false;
    this.resting--;
    return true;
  }

  /**
   * Counts one lookup; true when it ended a trial in which too few hit: the memo must forget its
   * keys, and rests from now on.
   */
  failed(hit: boolean): boolean {
    if (hit) this.repeats++;
    if (++this.lookups < this.length) return false;
    const failed = this.repeats < this.length * minHitRate;
    if (failed) this.resting = retryAfter;
    this.lookups = 0;
    this.repeats = 0;
    return failed;
  }
}
