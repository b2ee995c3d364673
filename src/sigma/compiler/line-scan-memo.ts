import type { AhoCorasick } from './aho-corasick.js';
import { RecentMemo } from './recent-memo.js';

/** Lines from this length on are looked up in the memo; shorter ones are scanned. */
export const memoMinLine = 256;
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
export class LineScanMemo {
  private readonly memo = new RecentMemo<readonly number[]>();

  constructor(private readonly ac: AhoCorasick) {
    if (!ac.withinLines) throw new Error('LineScanMemo needs an automaton whose patterns hold no line feed');
  }

  /** Appends to `hits` every pattern occurring in `text` (at least once; see searchDistinct). */
  search(text: string, hits: number[]): number[] {
    const ac = this.ac;
    if (text.length < memoMinLine) return ac.searchDistinct(text, hits);
    if (this.memo.rests()) return ac.searchDistinct(text, hits);
    const n = text.length;
    // Start of the text not scanned yet: short lines accumulate into one range.
    let gap = 0;
    for (let from = 0; from < n; ) {
      let end = text.indexOf('\n', from);
      if (end < 0) end = n;
      if (end - from >= memoMinLine) {
        if (gap < from) ac.searchDistinctIn(text, gap, from, hits);
        this.line(text.slice(from, end), hits);
        gap = end;
      }
      from = end + 1;
    }
    if (gap < n) ac.searchDistinctIn(text, gap, n, hits);
    return hits;
  }

  private line(line: string, hits: number[]): void {
    let known = this.memo.lookup(line);
    if (known === undefined) {
      const found: number[] = [];
      this.ac.searchDistinct(line, found);
      this.memo.remember(line, found);
      known = found;
    }
    for (let k = 0; k < known.length; k++) hits.push(known[k]!);
  }
}
