import { escapeRegex } from './escape-regex.js';
import { KeywordPrefilter } from './keyword-prefilter.js';

/** One keyword (field-less) anchor of a bucket: a folded literal and the rules anchored on it. */
export interface KeywordAnchor {
  literal: string;
  /** Windash: a `-` in the literal stands for any of the five dash characters. */
  dash: boolean;
  /** Indexes of the rules (in their bucket) anchored on it. */
  rules: readonly number[];
}

/**
 * The keyword anchors of one rule bucket, checked over every value of an event. Keyword searches
 * look into every value, long messages included, so the anchors run as one native
 * case-insensitive regex of escaped literals (no quantifiers: linear), several times faster than
 * scanning each value in JavaScript. A hit makes every keyword-anchored rule a candidate; the
 * rules' own evaluation then decides.
 */
export class KeywordMatcher {
  private readonly texts: string[] = [];

  private constructor(
    /** Every keyword-anchored rule of the bucket, ascending. */
    readonly rules: readonly number[],
    private readonly regex: RegExp,
    /** Needles that rule out most values before {@link regex} runs (see KeywordPrefilter). */
    private readonly prefilter: KeywordPrefilter | undefined,
    private readonly minLength: number,
    /** Whether a literal could occur in a number's text, so numbers need scanning too. */
    private readonly numeric: boolean,
  ) {}

  /** Undefined when there is no anchor. */
  static build(anchors: readonly KeywordAnchor[]): KeywordMatcher | undefined {
    if (anchors.length === 0) return undefined;
    const sources: string[] = [];
    const rules = new Set<number>();
    let dashed = false;
    let minLength = Infinity;
    let numeric = false;
    for (const a of anchors) {
      const escaped = escapeRegex(a.literal);
      sources.push(a.dash ? escaped.replace(/-/g, '[-/\u2013\u2014\u2015]') : escaped);
      if (a.dash) dashed = true;
      for (const r of a.rules) rules.add(r);
      minLength = Math.min(minLength, a.literal.length);
      if (/^[-+0-9.e]+$/.test(a.literal)) numeric = true;
    }
    return new KeywordMatcher(
      [...rules].sort((a, b) => a - b),
      new RegExp(sources.join('|'), 'i'),
      KeywordPrefilter.build(
        anchors.map((a) => a.literal),
        dashed,
      ),
      minLength,
      numeric,
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
    if (this.prefilter && !this.anyNeedle(fields, 0)) return false;
    const texts = this.texts;
    texts.length = 0;
    collectTexts(fields, texts, 0, this.minLength, this.numeric);
    return texts.length > 0 && this.regex.test(texts.length === 1 ? texts[0]! : texts.join('\n'));
  }

  /**
   * Whether some value (the ones {@link collectTexts} would take) passes the prefilter. Strings,
   * nearly all values of a flat event, are tested in the loop rather than through a call each.
   */
  private anyNeedle(v: unknown, depth: number): boolean {
    if (typeof v === 'string') return v.length >= this.minLength && this.prefilter!.mayMatch(v);
    if (v === null || typeof v !== 'object') {
      return this.numeric && (typeof v === 'number' || typeof v === 'boolean') && this.prefilter!.mayMatch(String(v));
    }
    if (depth >= 8) return false;
    const min = this.minLength;
    const prefilter = this.prefilter!;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (this.anyNeedle(v[i], depth + 1)) return true;
      return false;
    }
    for (const k in v) {
      const x = (v as Record<string, unknown>)[k];
      if (typeof x === 'string') {
        if (x.length >= min && prefilter.mayMatch(x)) return true;
      } else if (x !== null && typeof x === 'object' ? this.anyNeedle(x, depth + 1) : this.numeric && this.anyNeedle(x, depth + 1)) return true;
    }
    return false;
  }
}

function collectTexts(v: unknown, out: string[], depth: number, minLength: number, numbers: boolean): void {
  if (typeof v === 'string') {
    if (v.length >= minLength) out.push(v);
  } else if (v !== null && typeof v === 'object') {
    if (depth >= 8) return;
    if (Array.isArray(v)) for (const x of v) collectTexts(x, out, depth + 1, minLength, numbers);
    else for (const k in v) collectTexts((v as Record<string, unknown>)[k], out, depth + 1, minLength, numbers);
  } else if (numbers && (typeof v === 'number' || typeof v === 'boolean')) out.push(String(v));
}
