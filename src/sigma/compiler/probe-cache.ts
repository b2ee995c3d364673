import { MemoTrial } from './memo-trial.js';

/** What one field's index probe found for a value: the rules it marked, and the automaton's hits when the scan was noted. */
export interface ProbeResult {
  readonly rules: readonly number[];
  /** Pattern indexes the automaton found, when the probe handed its scan to the evaluation; else undefined. */
  readonly hits: readonly number[] | undefined;
}

/** One kept value; values of equal fingerprint are chained. */
interface Entry {
  readonly raw: string;
  readonly result: ProbeResult;
  readonly next: Entry | undefined;
}

/**
 * A number from the length and eight characters spread over `raw`, the last one included (paths
 * and hashes differ at their end). V8 hashes a string key over all its characters, once per
 * string object, and every event's values are new objects: a `Map` lookup of a 195-character
 * Sysmon 7 `Hashes` value by the string cost 330–680 ns, by this fingerprint and one comparison
 * 30–90 ns.
 */
function fingerprint(raw: string): number {
  const n = raw.length;
  const step = (n >> 3) + 1;
  let h = n;
  for (let i = n - 1; i >= 0; i -= step) h = (Math.imul(h, 31) + raw.charCodeAt(i)) | 0;
  return h;
}

/** Characters of keys one cache keeps before it starts over (~256 KB of one-byte strings). */
const maxChars = 131_072;
/** Lookups per trial (see MemoTrial). */
const trialLength = 1024;

/**
 * The probe results of one automaton-indexed field, by raw value, looked up by a fingerprint (see
 * {@link fingerprint}). Such a field is scanned by an Aho-Corasick automaton in JavaScript, a
 * dependent table load per character (~3–5 ns), plus a fold and the exact and path-component
 * lookups; the lookup reads eight characters and compares one kept value. Values recur across events without being the
 * last few: Sysmon 10's `SourceImage` (a few hundred processes), Sysmon 7's `ImageLoaded` (the
 * same DLLs loaded by every process), registry keys. Unlike {@link RecentMemo}, whose `===` scan of
 * 16 entries suits long values that recur back to back, this finds any of thousands.
 *
 * Exact: a field's probe reads nothing but the field's value and the field's index; the owner
 * clears the cache whenever the index changes. Bounded by characters (it starts over when full),
 * and it measures itself: after a trial in which too few values repeated, it clears and rests.
 */
export class ProbeCache {
  private readonly known = new Map<number, Entry>();
  private chars = 0;
  private readonly trial = new MemoTrial(trialLength);

  /** Counts one use off a rest: true while the cache rests (probe without it). */
  rests(): boolean {
    return this.trial.rests();
  }

  /** The result kept for a value equal to `raw`; each lookup counts toward the trial. */
  get(raw: string): ProbeResult | undefined {
    let e = this.known.get(fingerprint(raw));
    while (e !== undefined && e.raw !== raw) e = e.next;
    const known = e?.result;
    if (this.trial.failed(known !== undefined)) this.clear();
    return known;
  }

  /** Keeps `result` for `raw` (a no-op while resting). */
  set(raw: string, result: ProbeResult): void {
    if (!this.trial.active) return;
    if (this.chars + raw.length > maxChars) this.clear();
    const f = fingerprint(raw);
    this.known.set(f, { raw, result, next: this.known.get(f) });
    this.chars += raw.length;
  }

  /** Forgets every value (the field's index changed). */
  clear(): void {
    this.known.clear();
    this.chars = 0;
  }
}
