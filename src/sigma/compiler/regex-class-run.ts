import { skipClass } from './regex-literal.js';

/** Repetitions below this rule out too little to pay for a scan. */
const minRepeat = 8;

/**
 * A run of characters that every match of a regex must contain: at least {@link min} consecutive
 * characters of one class (`[a-fA-F0-9]{64}`, `.{1000,}`). Characters are counted as code points,
 * as the regex engine counts them.
 */
export interface ClassRun {
  /** ASCII members of the class; every non-ASCII character counts as a member (conservative). */
  member: Uint8Array;
  min: number;
  /**
   * True when the regex is nothing but this run (`.{1000,}`, `(.){200,}`): then the run decides
   * the match, both ways, and the regex need not run at all.
   */
  whole: boolean;
}

const word = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const digit = (c: number): boolean => c >= 48 && c <= 57;
/** RE2's `\s`: tab, line feed, form feed, carriage return, space (no vertical tab). */
const space = (c: number): boolean => c === 9 || c === 10 || c === 12 || c === 13 || c === 32;
const shorthand: Record<string, (c: number) => boolean> = {
  d: digit,
  w: word,
  s: space,
  D: (c) => !digit(c),
  W: (c) => !word(c),
  S: (c) => !space(c),
};
const controlEscapes: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11 };

/**
 * The longest {@link ClassRun} a regex source (RE2 syntax) requires, or undefined when none of at
 * least 8 repetitions can be proven. Only atoms of the top-level concatenation count (a class,
 * `.`, `\d`-style shorthand, with a `{m}`/`{m,}`/`{m,n}` quantifier); a top-level `|` or a
 * construct the scan does not model (POSIX or Unicode classes, hex escapes) gives undefined. Any
 * `(?` flag group makes the scan assume case folding and `.` matching line feeds, which only
 * widens the class. Used as a prefilter, so missing a run only costs speed.
 * @param caseInsensitive the regex's `i` flag
 * @param dotAll the regex's `s` flag
 * @example requiredClassRun('\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}', false, false)?.min // 64
 */
export function requiredClassRun(source: string, caseInsensitive: boolean, dotAll: boolean): ClassRun | undefined {
  const alone = wholeDots.exec(source);
  if (alone) {
    const min = Number(alone[2]);
    return min >= 1 ? { member: dotClass(dotAll || (alone[1]?.includes('s') ?? false)), min, whole: true } : undefined;
  }
  // Quoted text (`\Q[a-f]{64}\E` is literal) and POSIX classes are not modelled.
  if (source.includes('\\Q') || source.includes('[:')) return undefined;
  const flagGroup = /^\(\?[a-zA-Z]+\)/.exec(source);
  const body = flagGroup ? source.slice(flagGroup[0].length) : source;
  const anyFlags = source.includes('(?');
  const fold = caseInsensitive || anyFlags;
  const dots = dotAll || anyFlags;
  let best: ClassRun | undefined;
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (depth > 0) {
      if (c === '\\') i++;
      else if (c === '[') {
        i = skipClass(body, i);
        if (i >= body.length) return undefined;
      } else if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    if (c === '|') return undefined;
    let member: Uint8Array | undefined;
    let next = i + 1;
    if (c === '(') {
      // `(.)` and `(?:.)` stand for `.`; any other group is skipped whole.
      const dotGroup = body.startsWith('(.)', i) ? 3 : body.startsWith('(?:.)', i) ? 5 : 0;
      if (dotGroup === 0) {
        depth = 1;
        continue;
      }
      member = dotClass(dots);
      next = i + dotGroup;
    } else if (c === '[') {
      const end = skipClass(body, i);
      if (end >= body.length) return undefined;
      member = parseClass(body.slice(i + 1, end), fold);
      if (member === undefined) return undefined;
      next = end + 1;
    } else if (c === '.') member = dotClass(dots);
    else if (c === '\\') {
      const e = body[i + 1];
      if (e === undefined) return undefined;
      const f = shorthand[e];
      if (f !== undefined) member = tableOf(f);
      next = i + 2;
    }
    const q = /^\{(\d+)(,\d*)?\}/.exec(body.slice(next, next + 16));
    if (member !== undefined && q) {
      const min = Number(q[1]);
      if (min >= minRepeat && (best === undefined || min > best.min)) best = { member, min, whole: false };
    }
    if (q) i = next + q[0].length - 1;
    else i = next - 1;
  }
  return best;
}

/**
 * A regex that is one repeated `.` and nothing else, after an optional leading group of plain
 * flags: `.{1000,}`, `(.){200,}`, `(?s).{150}`. Unanchored, `.{m,n}` matches wherever `.{m}` does.
 */
const wholeDots = /^(?:\(\?([imsU]+)\))?(?:\.|\(\.\)|\(\?:\.\))\{(\d+)(?:,\d*)?\}$/;

/** Whether `text` holds a run of at least `run.min` characters of the class. */
export function hasClassRun(text: string, run: ClassRun): boolean {
  const member = run.member;
  const min = run.min;
  let n = 0;
  let prevHigh = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      prevHigh = false;
      if (member[c] === 1) {
        if (++n >= min) return true;
      } else n = 0;
      continue;
    }
    // A surrogate pair is one character: its low half adds nothing.
    const low = c >= 0xdc00 && c <= 0xdfff;
    if (!(low && prevHigh) && ++n >= min) return true;
    prevHigh = c >= 0xd800 && c <= 0xdbff;
  }
  return false;
}

function dotClass(dotAll: boolean): Uint8Array {
  const t = new Uint8Array(128).fill(1);
  if (!dotAll) t[10] = 0;
  return t;
}

function tableOf(f: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) t[c] = f(c) ? 1 : 0;
  return t;
}

/** ASCII members of a class body (between the brackets), or undefined if it uses what is not modelled. */
function parseClass(body: string, fold: boolean): Uint8Array | undefined {
  const t = new Uint8Array(128);
  let j = 0;
  const negate = body[0] === '^';
  if (negate) j++;
  /** The single character at j (and where it ends), or a shorthand set, or undefined. */
  const atom = (k: number): { code?: number; set?: (c: number) => boolean; end: number } | undefined => {
    const ch = body[k];
    if (ch === undefined) return undefined;
    if (ch !== '\\') return { code: body.charCodeAt(k), end: k + 1 };
    const e = body[k + 1];
    if (e === undefined) return undefined;
    if (shorthand[e]) return { set: shorthand[e], end: k + 2 };
    if (controlEscapes[e] !== undefined) return { code: controlEscapes[e], end: k + 2 };
    if (/[A-Za-z0-9]/.test(e)) return undefined;
    return { code: body.charCodeAt(k + 1), end: k + 2 };
  };
  while (j < body.length) {
    const a = atom(j);
    if (a === undefined) return undefined;
    if (a.set) {
      for (let c = 0; c < 128; c++) if (a.set(c)) t[c] = 1;
      j = a.end;
      continue;
    }
    const from = a.code!;
    let to = from;
    j = a.end;
    if (body[j] === '-' && j + 1 < body.length) {
      const b = atom(j + 1);
      if (b === undefined || b.set) return undefined;
      to = b.code!;
      j = b.end;
    }
    if (from > to) return undefined;
    for (let c = from; c <= Math.min(to, 127); c++) t[c] = 1;
  }
  if (fold) {
    for (let c = 65; c <= 90; c++) if (t[c] === 1 || t[c + 32] === 1) t[c] = t[c + 32] = 1;
  }
  if (negate) for (let c = 0; c < 128; c++) t[c] = t[c] === 1 ? 0 : 1;
  return t;
}
