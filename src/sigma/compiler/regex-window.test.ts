import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { SigmaRegex } from '../modifiers/sigma-regex.js';
import { RegexWindow } from './regex-window.js';

/** Seeded PRNG so a failure reproduces. */
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % n;
  };
}

describe('RegexWindow', () => {
  it('bounds regexes that start with a letter-free literal and cannot grow without limit', () => {
    expect(RegexWindow.of('(?i)\\$\\{`?e`?n`?v`?:`?p`?a`?t`?h`?\\}')).toMatchObject({ literal: '${', span: 2 + 2 * 18 });
    expect(RegexWindow.of('://\\d{1,3}\\.\\d{1,3}(?:x|yy)?')).toMatchObject({ literal: '://', span: 3 + 2 * 9 });
    expect(RegexWindow.of('-1[0-9]{3}\\\\Software')).toMatchObject({ literal: '-1', span: 2 + 2 * 12 });
  });

  it('gives no window when it cannot be proven', () => {
    for (const source of [
      '${x}|abc', // top-level alternation
      '::.*x', // unbounded
      '::x+',
      '::x{2,}',
      '::\\bx', // assertions see past the window
      '::x$',
      '^::x',
      'ab::x', // letters in the literal: case folding
      '(?i)ab',
      '$:{x}', // `$` is an assertion, not a literal
      '::[[:alpha:]]',
      '::\\Qx\\E',
      '::(x',
      ':x', // literal too short
    ]) {
      expect(RegexWindow.of(source), source).toBeUndefined();
    }
  });

  it('answers as the whole-text test on random texts', () => {
    const rnd = random(11);
    const alphabet = ['$', '{', '}', '`', 'e', 'E', 'n', 'v', ':', 'p', 'A', 't', 'h', '/', '1', '9', '.', '-', '\\', ' ', '\n', 'ſ', '\u212a', '😀'];
    const sources = ['(?i)\\$\\{`?e`?n`?v`?:`?p`?a`?t`?h`?\\}', '://\\d{1,3}\\.\\d{1,3}', '-1[0-9]{3}\\\\', '\\$\\{e?(?:n|vv)?.{0,3}:', '//.\\S'];
    let held = 0;
    for (const source of sources) {
      const win = RegexWindow.of(source)!;
      expect(win, source).toBeDefined();
      const re = new SigmaRegex(source, RE2JS.CASE_INSENSITIVE);
      for (let k = 0; k < 400; k++) {
        const parts: string[] = [];
        const n = 50 + rnd(400);
        for (let i = 0; i < n; i++) parts.push(rnd(6) === 0 ? ['${env:path}', '${E`N`v:pAth}', '://1.2', '-1234\\', '${'][rnd(5)]! : alphabet[rnd(alphabet.length)]!);
        const text = parts.join('');
        const want = re.test(text);
        expect(win.test(text, (w) => re.test(w)), `${source} on ${JSON.stringify(text)}`).toBe(want);
        if (want) held++;
      }
    }
    expect(held).toBeGreaterThan(100);
  });
});
