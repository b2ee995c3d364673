/** Texts from this length on are tested line by line. */
const splitMinLength = 1024;
/** Lines from this length on are remembered when clean; shorter ones are tested together. */
export const cleanLineMinLength = 256;
/** Clean lines kept (round robin), compared with `===`: see RecentMemo on why not a Map. */
const kept = 16;

/**
 * `re.test(text)` for a regex that cannot match across a line feed, with the long lines it found
 * nothing in remembered. A PowerShell classic event's `Data` (~4.3 KB) repeats its
 * `HostApplication=` line, often a whole encoded command, in every event of the process, beside a
 * sequence number that changes; the case-insensitive regex that rules such a value out cost about
 * 6 ns a character, where an equal line is found by one comparison (a native memcmp).
 *
 * Exact as long as no match can hold a line feed (the caller's promise): then the regex matches
 * a text iff it matches one of its lines; short lines between long ones are tested as one slice.
 */
export class CleanLineMemo {
  private readonly lines: string[] = [];
  private next = 0;

  constructor(private readonly re: RegExp) {
    if (re.global || re.sticky) throw new Error('CleanLineMemo needs a regex without g or y (test must not keep state)');
  }

  /** Whether the regex matches `text`. */
  test(text: string): boolean {
    const re = this.re;
    if (text.length < splitMinLength) return re.test(text);
    const n = text.length;
    let gap = 0;
    for (let from = 0; from < n; ) {
      let end = text.indexOf('\n', from);
      if (end < 0) end = n;
      if (end - from >= cleanLineMinLength) {
        if (gap < from && re.test(text.slice(gap, from))) return true;
        if (this.lineMatches(from === 0 && end === n ? text : text.slice(from, end))) return true;
        gap = end;
      }
      from = end + 1;
    }
    return gap < n && re.test(gap === 0 ? text : text.slice(gap));
  }

  private lineMatches(line: string): boolean {
    const lines = this.lines;
    for (let k = 0; k < lines.length; k++) if (lines[k] === line) return false;
    if (this.re.test(line)) return true;
    lines[this.next] = line;
    this.next = (this.next + 1) % kept;
    return false;
  }
}
