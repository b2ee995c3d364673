/**
 * A cheaper way to test a regex whose every match starts with a fixed literal and spans a bounded
 * number of characters: only the windows of the text that start at an occurrence of the literal
 * are handed to the regex engine. re2js scans in JavaScript (~6 ns a character): the token
 * obfuscation rule's `(?i)\$\{`?e`?n`?v…\}` ran over every 12 KB PowerShell script block holding
 * a `${`, ~80 µs a call, for a match at most 22 characters long.
 *
 * Equivalent to testing the whole text when the regex holds no assertion (`^ $ \b \B \A \z`):
 * a match inside a window is a match of the text, and every match of the text lies inside the
 * window of the occurrence it starts at. The literal holds no letter and no non-ASCII character,
 * so case-insensitive flags do not change where it occurs. Anything the scan below does not model
 * gives no window (the whole text is tested), which only costs speed.
 */
export class RegexWindow {
  private constructor(
    /** What every match starts with. */
    private readonly literal: string,
    /** Longest match, in UTF-16 units (each character after the literal counted as two). */
    private readonly span: number,
  ) {}

  /** The window of a regex source, or undefined when it cannot be proven. */
  static of(source: string): RegexWindow | undefined {
    let i = 0;
    // Leading flag group such as `(?i)`: no characters.
    const flags = /^\(\?[imsU]+\)/.exec(source);
    if (flags) i = flags[0].length;
    let literal = '';
    for (;;) {
      const c = source[i];
      if (c === undefined) break;
      let lit: string;
      let width = 1;
      if (c === '\\') {
        const n = source[i + 1];
        if (n === undefined || /[A-Za-z0-9]/.test(n)) break;
        lit = n;
        width = 2;
      } else if ('^$.|?*+()[]{}'.includes(c)) break;
      else lit = c;
      // A quantified character is not required.
      const q = source[i + width];
      if (q === '?' || q === '*' || q === '+' || q === '{') break;
      if (lit.charCodeAt(0) > 127 || /[A-Za-z]/.test(lit)) break;
      literal += lit;
      i += width;
    }
    if (literal.length < 2) return undefined;
    const rest = new SpanScanner(source, i).whole();
    if (rest === undefined) return undefined;
    return new RegexWindow(literal, literal.length + 2 * rest);
  }

  /**
   * Whether `test` (the regex) matches somewhere in `text`, asking it only about the windows.
   * Overlapping windows are merged, so no character is scanned twice.
   */
  test(text: string, test: (window: string) => boolean): boolean {
    const lit = this.literal;
    const span = this.span;
    if (text.length <= 4 * span) return test(text);
    let at = text.indexOf(lit);
    while (at >= 0) {
      let end = at + span;
      let next = text.indexOf(lit, at + 1);
      while (next >= 0 && next < end) {
        end = next + span;
        next = text.indexOf(lit, next + 1);
      }
      // Never cut a surrogate pair at the end: the match cannot use half a character.
      if (end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end++;
      if (test(text.slice(at, end))) return true;
      at = next;
    }
    return false;
  }
}

/**
 * The largest number of characters (code points) a regex from `pos` can match, or undefined when
 * it is unbounded (`*`, `+`, `{n,}`), holds an assertion, or uses syntax not modelled here.
 */
class SpanScanner {
  constructor(
    private readonly s: string,
    private pos: number,
  ) {}

  /** The rest of the source, which must not branch at the top: the literal starts every match. */
  whole(): number | undefined {
    const n = this.sequence();
    return n !== undefined && this.pos === this.s.length ? n : undefined;
  }

  /** Branches separated by `|`, up to a `)` or the end: the longest. */
  private alternation(): number | undefined {
    let best = 0;
    for (;;) {
      const n = this.sequence();
      if (n === undefined) return undefined;
      best = Math.max(best, n);
      if (this.s[this.pos] !== '|') return best;
      this.pos++;
    }
  }

  private sequence(): number | undefined {
    let total = 0;
    while (this.pos < this.s.length && this.s[this.pos] !== '|' && this.s[this.pos] !== ')') {
      const atom = this.atom();
      if (atom === undefined) return undefined;
      const times = this.quantifier();
      if (times === undefined) return undefined;
      total += atom * times;
    }
    return total;
  }

  /** One atom: its longest match in characters. */
  private atom(): number | undefined {
    const s = this.s;
    const c = s[this.pos]!;
    if (c === '(') {
      this.pos++;
      if (s[this.pos] === '?') {
        // `(?:…)`, `(?flags:…)`, `(?P<name>…)`, or a flag group `(?flags)` matching nothing.
        const m = /^\?(?:P?<[A-Za-z0-9_]+>|[imsU-]*:|[imsU-]+\))/.exec(s.slice(this.pos));
        if (!m) return undefined;
        this.pos += m[0].length;
        if (m[0].endsWith(')')) return 0;
      }
      const n = this.alternation();
      if (n === undefined || s[this.pos] !== ')') return undefined;
      this.pos++;
      return n;
    }
    if (c === '[') {
      if (s.indexOf('[:', this.pos) >= 0) return undefined; // POSIX classes: not modelled
      let j = this.pos + 1;
      if (s[j] === '^') j++;
      if (s[j] === ']') j++;
      for (; j < s.length && s[j] !== ']'; j++) if (s[j] === '\\') j++;
      if (j >= s.length) return undefined;
      this.pos = j + 1;
      return 1;
    }
    if (c === '\\') {
      const n = s[this.pos + 1];
      if (n === undefined) return undefined;
      if ('dDwWsSntrfva'.includes(n) || !/[A-Za-z0-9]/.test(n)) {
        this.pos += 2;
        return 1;
      }
      if (n === 'x') {
        const m = /^\\x(?:[0-9A-Fa-f]{2}|\{[0-9A-Fa-f]+\})/.exec(s.slice(this.pos));
        if (!m) return undefined;
        this.pos += m[0].length;
        return 1;
      }
      if (n === 'p' || n === 'P') {
        const m = /^\\[pP](?:[A-Za-z]|\{\^?[A-Za-z_]+\})/.exec(s.slice(this.pos));
        if (!m) return undefined;
        this.pos += m[0].length;
        return 1;
      }
      // \b \B \A \z, \Q…\E, \C, back-references, octal: not modelled.
      return undefined;
    }
    if ('^$|)*+?{'.includes(c)) return undefined;
    // `.` or a literal character (a surrogate pair is one character).
    this.pos += (c.charCodeAt(0) & 0xfc00) === 0xd800 ? 2 : 1;
    return 1;
  }

  /** How many times the atom before may repeat at most (1 without a quantifier). */
  private quantifier(): number | undefined {
    const s = this.s;
    const c = s[this.pos];
    let times = 1;
    if (c === '?') {
      this.pos++;
    } else if (c === '*' || c === '+') {
      return undefined;
    } else if (c === '{') {
      const m = /^\{(\d+)(?:,(\d+))?\}/.exec(s.slice(this.pos));
      // `{n,}` is unbounded; a `{` that is no repetition is a literal to RE2: not modelled.
      if (!m) return undefined;
      times = Number(m[2] ?? m[1]);
      this.pos += m[0].length;
    } else return 1;
    if (s[this.pos] === '?') this.pos++; // lazy: same longest match
    return times;
  }
}
