import { KeywordPrefilter } from './keyword-prefilter.js';
import { isAscii, keywordSource } from './keyword-source.js';

/** One keyword (field-less) anchor of a bucket: a folded literal and the rules anchored on it. */
export interface KeywordAnchor {
  literal: string;
  /** Windash: a `-` in the literal stands for any of the five dash characters. */
  dash: boolean;
  /** Indexes of the rules (in their bucket) anchored on it. */
  rules: readonly number[];
}

/**
 * Texts from this length on are searched by windows around their needles (see
 * `KeywordPrefilter.anyWindow`); shorter ones cost less scanned whole.
 */
const windowedMinLength = 1024;

/** Depth of the deepest scalar the evaluation looks at (the event's own values are at depth 1). */
const maxDepth = 8;

/** Folded literals made only of characters a number's, boolean's or bigint's text can hold. */
const scalarTextLiteral = /^[-+.0-9aefilnrstuy]+$/;

/**
 * The keyword anchors of one rule bucket, checked over every value of an event. Keyword searches
 * look into every value, long messages included, so the anchors run as one native
 * case-insensitive regex of escaped literals (no quantifiers: linear), several times faster than
 * scanning each value in JavaScript. A hit makes every keyword-anchored rule a candidate; the
 * rules' own evaluation then decides.
 *
 * Semantics: {@link mayMatch} is false only when no anchor occurs in the `toLowerCase()` text of
 * any scalar value (strings, numbers, booleans, bigints; nested objects and arrays down to the
 * depth the evaluation reads), a windash `-` standing for any dash character. It may be true more
 * often: a false "may" costs a candidate evaluation, a false "no" would lose a detection.
 */
export class KeywordMatcher {
  private readonly texts: string[] = [];
  /**
   * String values of earlier events, by their position among the event's own values, known to
   * hold no needle. Consecutive events mostly share a layout, and 6 values in 10 repeat at the
   * same position (host, channel, provider, account, images): an equal string is skipped after
   * one comparison, which fails fast on a different length or first characters. Only the string
   * matters, not its key, so a different layout costs a comparison, never a missed value.
   */
  private readonly clean: string[] = [];

  private constructor(
    /** Every keyword-anchored rule of the bucket, ascending. */
    readonly rules: readonly number[],
    private readonly regex: RegExp,
    /** Whether {@link regex} must see folded text: some literal is not ASCII. */
    private readonly lower: boolean,
    /** Needles that rule out most values before {@link regex} runs (see KeywordPrefilter). */
    private readonly prefilter: KeywordPrefilter | undefined,
    /** Values shorter than this cannot hold an anchor. */
    private readonly minLength: number,
    /** Whether a literal could occur in a number's or boolean's text, so those need scanning too. */
    private readonly numeric: boolean,
    /** Longest literal, in characters of the text {@link regex} scans. */
    private readonly maxLength: number,
  ) {}

  /** Undefined when there is no anchor. */
  static build(anchors: readonly KeywordAnchor[]): KeywordMatcher | undefined {
    if (anchors.length === 0) return undefined;
    const sources: string[] = [];
    const rules = new Set<number>();
    let dashed = false;
    let lower = false;
    let minLength = Infinity;
    let maxLength = 0;
    let numeric = false;
    for (const a of anchors) {
      sources.push(keywordSource(a.literal, a.dash));
      if (a.dash) dashed = true;
      for (const r of a.rules) rules.add(r);
      const ascii = isAscii(a.literal);
      if (!ascii) lower = true;
      // `toLowerCase()` at most doubles a text (U+0130 becomes two characters); an ASCII literal
      // still needs one character of the value per character of its own.
      minLength = Math.min(minLength, ascii ? a.literal.length : Math.ceil(a.literal.length / 2));
      maxLength = Math.max(maxLength, a.literal.length);
      if (scalarTextLiteral.test(a.literal)) numeric = true;
    }
    return new KeywordMatcher(
      [...rules].sort((a, b) => a - b),
      new RegExp(sources.join('|'), 'i'),
      lower,
      KeywordPrefilter.build(
        anchors.map((a) => a.literal),
        dashed,
      ),
      Math.max(1, minLength),
      numeric,
      maxLength,
    );
  }

  /**
   * Whether some value of `fields` may hold an anchor. One regex call over all the event's texts
   * joined by newlines: a single native scan beats a call per value. Joining cannot hide a hit; a
   * hit spanning two values only adds a candidate, which the full evaluation then rejects. The
   * prefilter first rules out events none of whose values holds a needle, without collecting or
   * joining anything.
   */
  mayMatch(fields: Record<string, unknown>): boolean {
    if (this.prefilter !== undefined && !this.anyNeedle(fields)) return false;
    const texts = this.texts;
    texts.length = 0;
    collectTexts(fields, texts, 0, this.minLength, this.numeric);
    if (texts.length === 0) return false;
    if (this.prefilter !== undefined && !this.lower) {
      // Long texts (script blocks, rendered messages) are searched around their needles only; the
      // regex runs on the unfolded text, one character per literal character, so `maxLength` is
      // how far a literal reaches from a needle inside it. Dropping a text from the join only
      // loses hits spanning two values, which are not matches.
      let kept = 0;
      for (let i = 0; i < texts.length; i++) {
        const t = texts[i]!;
        if (t.length < windowedMinLength) texts[kept++] = t;
        else if (this.prefilter.anyWindow(t, this.maxLength, this.testRegex)) return true;
      }
      texts.length = kept;
      if (kept === 0) return false;
    }
    const joined = texts.length === 1 ? texts[0]! : texts.join('\n');
    // The newline keeps `toLowerCase()` of the whole equal to that of each value (final sigma).
    return this.regex.test(this.lower ? joined.toLowerCase() : joined);
  }

  private readonly testRegex = (window: string): boolean => this.regex.test(window);

  /**
   * Whether some value the evaluation reads passes the prefilter. The event's own values come
   * from `Object.values` (one native call, faster than a `for..in` walk with a keyed load per
   * key) and are skipped when equal to the clean value seen at their position before.
   */
  private anyNeedle(fields: Record<string, unknown>): boolean {
    const values = Object.values(fields);
    const clean = this.clean;
    while (clean.length < values.length) clean.push('');
    const min = this.minLength;
    const prefilter = this.prefilter!;
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (typeof x === 'string') {
        if (x.length < min || x === clean[i]) continue;
        if (prefilter.mayMatch(x)) return true;
        clean[i] = x;
      } else if (x !== null && typeof x === 'object') {
        if (this.nestedNeedle(x, 1)) return true;
      } else if (this.numeric && isScalar(x) && prefilter.mayMatch(String(x))) return true;
    }
    return false;
  }

  /** {@link anyNeedle} for an object or array found at `depth`. */
  private nestedNeedle(v: object, depth: number): boolean {
    if (depth >= maxDepth) return false;
    const values = Array.isArray(v) ? (v as unknown[]) : Object.values(v);
    const prefilter = this.prefilter!;
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (typeof x === 'string') {
        if (x.length >= this.minLength && prefilter.mayMatch(x)) return true;
      } else if (x !== null && typeof x === 'object') {
        if (this.nestedNeedle(x, depth + 1)) return true;
      } else if (this.numeric && isScalar(x) && prefilter.mayMatch(String(x))) return true;
    }
    return false;
  }
}

/** Numbers, booleans and bigints: the non-string values the evaluation reads as their text. */
function isScalar(v: unknown): v is number | boolean | bigint {
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
}

/** Every text {@link KeywordMatcher.mayMatch} scans in `v`, found at `depth` (the event is at 0). */
function collectTexts(v: unknown, out: string[], depth: number, minLength: number, numbers: boolean): void {
  if (typeof v === 'string') {
    if (v.length >= minLength) out.push(v);
  } else if (v !== null && typeof v === 'object') {
    if (depth >= maxDepth) return;
    const values = Array.isArray(v) ? (v as unknown[]) : Object.values(v);
    for (const x of values) collectTexts(x, out, depth + 1, minLength, numbers);
  } else if (numbers && isScalar(v)) out.push(String(v));
}
