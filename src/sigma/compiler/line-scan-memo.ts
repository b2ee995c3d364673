import type { AhoCorasick } from './aho-corasick.js';

/** Lines from this length on are looked up in the memo; shorter ones are scanned. */
export const memoMinLine = 256;
/**
 * Long lines kept, most recent first out. Compared with `===` rather than hashed into a Map: a
 * comparison fails on the length or the first characters, and a match is a native memcmp, where
 * hashing a 5 KB key cost as much as a third of the scan it saved.
 */
const kept = 16;
/** Lookups per trial, and the share of them that must hit for the memo to stay on. */
const trial = 512;
const minHitRate = 0.25;
/** Scans done without the memo after a failed trial before it is tried again (the data may change). */
const retryAfter = 65_536;

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
 * and steps aside when too few lines repeat (a miss costs the lookup on top of the scan).
 */
export class LineScanMemo {
  private readonly lines: string[] = [];
  private readonly found: (readonly number[])[] = [];
  /** Slot the next new line replaces (round robin). */
  private next = 0;
  private lookups = 0;
  private repeats = 0;
  /** Scans left to do without the memo, after a trial in which too few lines repeated. */
  private resting = 0;

  constructor(private readonly ac: AhoCorasick) {
    if (!ac.withinLines) throw new Error('LineScanMemo needs an automaton whose patterns hold no line feed');
  }

  /** Appends to `hits` every pattern occurring in `text` (at least once; see searchDistinct). */
  search(text: string, hits: number[]): number[] {
    const ac = this.ac;
    if (text.length < memoMinLine) return ac.searchDistinct(text, hits);
    if (this.resting > 0) {
      this.resting--;
      return ac.searchDistinct(text, hits);
    }
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
    const lines = this.lines;
    let known: readonly number[] | undefined;
    for (let k = 0; k < lines.length; k++) {
      if (lines[k] === line) {
        known = this.found[k];
        break;
      }
    }
    if (known === undefined) {
      const found: number[] = [];
      this.ac.searchDistinct(line, found);
      known = found;
      lines[this.next] = line;
      this.found[this.next] = found;
      this.next = (this.next + 1) % kept;
    } else this.repeats++;
    for (let k = 0; k < known.length; k++) hits.push(known[k]!);
    if (++this.lookups === trial) {
      if (this.repeats < trial * minHitRate) {
        this.resting = retryAfter;
        lines.length = 0;
        this.found.length = 0;
        this.next = 0;
      }
      this.lookups = 0;
      this.repeats = 0;
    }
  }
}
