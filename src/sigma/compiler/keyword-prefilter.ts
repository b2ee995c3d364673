import { isAscii, keywordSource } from './keyword-source.js';

/** Most needles that need a case-insensitive search; past it the prefilter saves nothing. */
const maxCasedNeedles = 6;
/** Length of the substrings tried as case-insensitive needles. */
const casedNeedleLength = 4;

/**
 * A necessary condition for keyword (field-less) literals, checked per string value of an event
 * before the full keyword scan: every literal contains at least one needle, so a value without any
 * needle cannot contain any literal and most events are rejected by native `includes` calls.
 *
 * Keyword searches look into every value, rendered messages and 5–8 KB PowerShell script blocks
 * included; on Security-Datasets the one-regex scan of all values cost more than the whole
 * `JSON.parse` of the line, while literals with a punctuation run (`sekurlsa::`, `lsadump::`) are
 * ruled out by `includes('::')` at memchr speed. Needles are either ASCII punctuation runs (no
 * case to fold: plain `includes`) or, for literals without one, short ASCII substrings matched by
 * one small case-insensitive regex of escaped text (no quantifiers: linear; see keywordSource for
 * the two non-ASCII characters that fold to ASCII letters).
 *
 * @example
 * const p = KeywordPrefilter.build(['sekurlsa::', 'lsadump::', 'mimidrv.sys'], false);
 * p?.mayMatch('Process accessed lsass'); // false
 */
export class KeywordPrefilter {
  /** {@link cased} with the `g` flag, to walk its occurrences. */
  private readonly casedAll: RegExp | undefined;
  /** Longest needle. */
  private readonly needleLength: number;

  private constructor(
    private readonly plain: readonly string[],
    private readonly cased: RegExp | undefined,
  ) {
    this.casedAll = cased === undefined ? undefined : new RegExp(cased.source, 'gi');
    this.needleLength = Math.max(casedNeedleLength, ...plain.map((n) => n.length));
  }

  /**
   * @param literals folded keyword literals (what the full scan looks for, case-insensitively)
   * @param dashed whether a `-` in the literals stands for any windash dash character, so needles
   *   must avoid it
   * @returns undefined when no useful needle set exists (a literal too short, or too many needles)
   */
  static build(literals: readonly string[], dashed: boolean): KeywordPrefilter | undefined {
    const plain = new Set<string>();
    const rest: string[] = [];
    for (const lit of literals) {
      const run = punctuationRun(lit, dashed);
      if (run) plain.add(run);
      else rest.push(lit);
    }
    const cased = coverCased(rest, dashed);
    if (!cased) return undefined;
    const source = cased.map((g) => keywordSource(g, false)).join('|');
    return new KeywordPrefilter([...plain], cased.length > 0 ? new RegExp(source, 'i') : undefined);
  }

  /** Whether `text` holds a needle, i.e. might hold a literal. */
  mayMatch(text: string): boolean {
    const plain = this.plain;
    for (let i = 0; i < plain.length; i++) if (text.includes(plain[i]!)) return true;
    return this.cased !== undefined && this.cased.test(text);
  }

  /**
   * Whether `test` holds on one of the windows of `text` around its needle occurrences: each
   * window reaches `reach` characters before an occurrence and `reach` past its needle, merged
   * when they overlap. For a test that finds literals of at most `reach` characters, each holding
   * a needle, it is the test of the whole text (a literal's occurrence lies in the window of the
   * needle inside it), asked only about the parts that can hold one: a 16 KB PowerShell script
   * block with a few `[Convert]::` calls is searched over a few hundred characters.
   */
  anyWindow(text: string, reach: number, test: (window: string) => boolean): boolean {
    const starts: number[] = [];
    for (const n of this.plain) for (let at = text.indexOf(n); at >= 0; at = text.indexOf(n, at + 1)) starts.push(at);
    const all = this.casedAll;
    if (all !== undefined) {
      all.lastIndex = 0;
      // One step past each hit, not past its end: overlapping occurrences (`mimimi`) all count.
      for (let m = all.exec(text); m !== null; m = all.exec(text)) {
        starts.push(m.index);
        all.lastIndex = m.index + 1;
      }
    }
    if (starts.length === 0) return false;
    starts.sort((a, b) => a - b);
    const after = reach + this.needleLength;
    let from = Math.max(0, starts[0]! - reach);
    let to = starts[0]! + after;
    for (let k = 1; k <= starts.length; k++) {
      const at = starts[k];
      if (at !== undefined && at - reach <= to) {
        to = at + after;
        continue;
      }
      if (test(text.slice(from, Math.min(text.length, to)))) return true;
      if (at === undefined) break;
      from = at - reach;
      to = at + after;
    }
    return false;
  }
}

/** ASCII characters that no case folding touches and that are rare in pairs: punctuation. */
function isPunctuation(c: number, dashed: boolean): boolean {
  if (c <= 32 || c >= 127) return false;
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return false;
  // Under windash, `-` and `/` in a literal may be any dash character in the text.
  return !(dashed && (c === 45 || c === 47));
}

/** The longest run of two or more punctuation characters in `lit`, if any. */
function punctuationRun(lit: string, dashed: boolean): string | undefined {
  let best: string | undefined;
  for (let i = 0; i < lit.length; ) {
    let j = i;
    while (j < lit.length && isPunctuation(lit.charCodeAt(j), dashed)) j++;
    if (j - i >= 2 && (!best || j - i > best.length)) best = lit.slice(i, j);
    i = j === i ? i + 1 : j;
  }
  return best;
}

/**
 * Greedy cover of `literals` by substrings of {@link casedNeedleLength} characters (the one shared
 * by most literals first). Returns undefined when a literal is too short to hold a needle or the
 * cover needs more than {@link maxCasedNeedles} needles.
 */
function coverCased(literals: readonly string[], dashed: boolean): string[] | undefined {
  const needles: string[] = [];
  let left = literals.slice();
  while (left.length > 0) {
    const counts = new Map<string, number>();
    for (const lit of left) {
      const seen = new Set<string>();
      for (let i = 0; i + casedNeedleLength <= lit.length; i++) {
        const g = lit.slice(i, i + casedNeedleLength);
        // Only ASCII needles: `/i` and `toLowerCase()` disagree on some other characters.
        if (seen.has(g) || (dashed && /[-/]/.test(g)) || !isAscii(g)) continue;
        seen.add(g);
        counts.set(g, (counts.get(g) ?? 0) + 1);
      }
    }
    let best: string | undefined;
    let bestCount = 0;
    for (const [g, n] of counts) if (n > bestCount) [best, bestCount] = [g, n];
    if (best === undefined || needles.length >= maxCasedNeedles) return undefined;
    needles.push(best);
    const needle = best;
    left = left.filter((lit) => !lit.includes(needle));
  }
  return needles;
}
