import { walkLongLines, type LongLineSink } from './long-lines.js';

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
export class CleanLineMemo implements LongLineSink {
  private readonly lines: string[] = [];
  private next = 0;

  constructor(private readonly re: RegExp) {
    if (re.global || re.sticky) throw new Error('CleanLineMemo needs a regex without g or y (test must not keep state)');
  }

  /** Whether the regex matches `text`. */
  test(text: string): boolean {
    if (text.length < splitMinLength) return this.re.test(text);
    return walkLongLines(text, cleanLineMinLength, this);
  }

  /** @internal Short lines between long ones, tested together. */
  shortRange(text: string, from: number, to: number): boolean {
    return this.re.test(from === 0 && to === text.length ? text : text.slice(from, to));
  }

  /** @internal A long line: false at once when it is one found clean before. */
  longLine(line: string): boolean {
    const lines = this.lines;
    for (let k = 0; k < lines.length; k++) if (lines[k] === line) return false;
    if (this.re.test(line)) return true;
    lines[this.next] = line;
    this.next = (this.next + 1) % kept;
    return false;
  }
}
