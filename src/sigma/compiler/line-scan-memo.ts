import type { AhoCorasick } from './aho-corasick.js';
import { walkLongLines, type LongLineSink } from './long-lines.js';
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
export class LineScanMemo implements LongLineSink {
  private readonly memo = new RecentMemo<readonly number[]>();
  /** Where the current {@link search} appends. */
  private hits: number[] = [];

  constructor(private readonly ac: AhoCorasick) {
    if (!ac.withinLines) throw new Error('LineScanMemo needs an automaton whose patterns hold no line feed');
  }

  /** Every pattern occurring in `text` (at least once; see searchDistinct), appended to `hits`, which is returned. */
  search(text: string, hits: number[]): number[] {
    const ac = this.ac;
    if (text.length < memoMinLine) return ac.searchDistinct(text, hits);
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
