/** What {@link walkLongLines} hands the parts of a text to; a `true` answer stops the walk. */
export interface LongLineSink {
  /** Characters `from`..`to` of `text`: the short lines between two long ones, as one range. */
  shortRange(text: string, from: number, to: number): boolean;
  /** One line of at least the walk's minimum length (the text itself when it is one line). */
  longLine(line: string): boolean;
}

/**
 * Walks `text` line by line, handing each line of `minLine` characters or more to the sink on
 * its own and the short lines around them as ranges, in order; answers whether the sink stopped
 * it. The line feeds that end long lines are in no part; those between short lines stay in their
 * range. Shared by the memos of long repeated lines (LineScanMemo, CleanLineMemo), whose
 * matchers cannot match across a line feed. The sink is an object, not callbacks: this runs per
 * scanned value, and closures would be made per call.
 */
export function walkLongLines(text: string, minLine: number, sink: LongLineSink): boolean {
  const n = text.length;
  // Start of the text not handed on yet: short lines accumulate into one range.
  let gap = 0;
  for (let from = 0; from < n; ) {
    let end = text.indexOf('\n', from);
    if (end < 0) end = n;
    if (end - from >= minLine) {
      if (gap < from && sink.shortRange(text, gap, from)) return true;
      if (sink.longLine(from === 0 && end === n ? text : text.slice(from, end))) return true;
      gap = end;
    }
    from = end + 1;
  }
  return gap < n && sink.shortRange(text, gap, n);
}
