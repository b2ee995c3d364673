import { dashPattern } from '../modifiers/value-test.js';
import { escapeRegex } from './escape-regex.js';

/**
 * The two non-ASCII characters whose `toLowerCase()` holds an ASCII letter: KELVIN SIGN folds to
 * `k`, LATIN CAPITAL LETTER I WITH DOT ABOVE to `i` + U+0307. The evaluation folds event values
 * with `toLowerCase()`, while a non-unicode `/i` regex never equates them with `k` and `i`, so
 * they are spelled out.
 */
const foldsTo: Readonly<Record<string, string>> = { k: 'k\u212a', i: 'i\u0130' };

/** `-` and the characters windash treats as it (`dashPattern`'s class, one list of them). */
const dashClass = `[-${dashPattern.source.slice(1)}`;

/**
 * A RegExp source (for the `i` flag, no `u`) that matches every text whose `toLowerCase()` holds
 * the folded ASCII `text`: what the rule evaluation finds, or more, never less. Under `dash`
 * (windash) a `-` matches any of the five dash characters.
 *
 * @example
 * new RegExp(keywordSource('kiwi', false), 'i').test('\u212aIWI'); // true, like 'KIWI'
 */
export function keywordSource(text: string, dash: boolean): string {
  let out = '';
  for (const c of text) {
    const alt = foldsTo[c];
    if (alt !== undefined) out += `[${alt}]`;
    else if (dash && c === '-') out += dashClass;
    else out += escapeRegex(c);
  }
  return out;
}

/** Whether `text` is all ASCII, where `/i` folding and `toLowerCase()` agree (but for {@link foldsTo}). */
export function isAscii(text: string): boolean {
  return !/[\u0080-\uffff]/.test(text);
}
