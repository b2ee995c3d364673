import type { AhoCorasick } from './aho-corasick.js';
import { walkLongLines, type LongLineSink } from './long-lines.js';
import { RecentMemo } from './recent-memo.js';

/** Lines from this length on are looked up in the memo; shorter ones are scanned. */
export const memoMinLine = 256;
/**
 * Automata with at least this many patterns also look up whole values shorter than
 * {@link memoMinLine} (from {@link hashMinLength} characters) by hash, in {@link ValueScans}.
 */
export const hashedMinPatterns = 1000;
export const hashMinLength = 32;
/**
 * An automaton's distinct-pattern scan ({@link AhoCorasick.searchDistinct}) of long values, with
 * the results of long lines remembered by content. Long values repeat line by line across events
 * while their other lines change: a PowerShell module event's `ContextInfo` repeats its
 * `Host Application` line (a whole encoded command line, ~5 KB) in every event of the process,
 * beside a sequence number and a command name that differ, and the scan runs at one dependent
 * table load per character, where hashing the line for the lookup is a native pass.
 *
 * Exact because the automaton's patterns hold no line feed ({@link AhoCorasick.withinLines}): an
 * occurrence lies within one line, so the patterns occurring in a text are those of its lines.
 * Short lines between long ones are scanned together, as one range. The memo measures itself
 * and steps aside for whole scans when too few lines repeat (see RecentMemo).
 */
export class LineScanMemo implements LongLineSink {
  private readonly memo = new RecentMemo<readonly number[]>();
  /** Scans of whole shorter values by content, for a large automaton (see {@link ValueScans}). */
  private readonly values: ValueScans | undefined;
  /** Where the current {@link search} appends. */
  private hits: number[] = [];

  constructor(private readonly ac: AhoCorasick) {
    if (!ac.withinLines) throw new Error('LineScanMemo needs an automaton whose patterns hold no line feed');
    this.values = ac.size >= hashedMinPatterns ? new ValueScans() : undefined;
  }

  /**
   * Every pattern occurring in `text` (at least once; see searchDistinct): appended to `hits` and
   * returned, or, for a value found in {@link values}, the list kept there (read-only: not copied).
   */
  search(text: string, hits: number[]): readonly number[] {
    const ac = this.ac;
    if (text.length < memoMinLine) {
      if (this.values === undefined || text.length < hashMinLength) return ac.searchDistinct(text, hits);
      let known = this.values.get(text);
      if (known === undefined) this.values.set(text, (known = ac.searchDistinct(text, [])));
      return known;
    }
    if (this.memo.rests()) return ac.searchDistinct(text, hits);
    this.hits = hits;
    walkLongLines(text, memoMinLine, this);
    return hits;
  }

  /** @internal Short lines between long ones, scanned as one range. */
  shortRange(text: string, from: number, to: number): boolean {
    this.ac.searchDistinctIn(text, from, to, this.hits);
    return false;
  }

  /** @internal A long line: its patterns from the memo, or scanned and remembered. */
  longLine(line: string): boolean {
    let known = this.memo.lookup(line);
    if (known === undefined) {
      const found: number[] = [];
      this.ac.searchDistinct(line, found);
      this.memo.remember(line, found);
      known = found;
    }
    const hits = this.hits;
    for (let k = 0; k < known.length; k++) hits.push(known[k]!);
    return false;
  }
}

/** Characters of values one {@link ValueScans} keeps before it starts over (~512 KB of strings). */
const valueScanChars = 262_144;

/**
 * The patterns found in recent whole values of one field, looked up by hash. Process creation's
 * `CommandLine` automaton holds 5.5 k literals in ~8 MB of tables, so its scan misses the CPU's
 * caches at nearly every character (~60 ns a character over a 136-character command line, hits
 * marked included), while hashing the value costs ~1 ns a character; and command lines recur
 * (859 distinct in Security-Datasets' 2,880 process creations), though not within the last few
 * events that a {@link RecentMemo} keeps. Bounded by characters: when full it starts over.
 */
class ValueScans {
  private readonly known = new Map<string, readonly number[]>();
  private chars = 0;

  get(text: string): readonly number[] | undefined {
    return this.known.get(text);
  }

  set(text: string, found: readonly number[]): void {
    if (this.chars + text.length > valueScanChars) {
      this.known.clear();
      this.chars = 0;
    }
    this.known.set(text, found);
    this.chars += text.length;
  }
}
