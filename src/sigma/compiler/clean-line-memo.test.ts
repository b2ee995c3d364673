import { describe, expect, it } from 'vitest';
import { CleanLineMemo, cleanLineMinLength } from './clean-line-memo.js';

/** Seeded PRNG so a failure reproduces. */
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % n;
  };
}

describe('CleanLineMemo', () => {
  it('answers as the regex does on the whole text, long lines repeated or not', () => {
    const rnd = random(5);
    const alphabet = 'abcdeXYZ -=\\.\t\r';
    const word = (len: number): string => Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]).join('');
    const re = /abcd|x=y|e\\a|[\u0080-\uffff]/i;
    const memo = new CleanLineMemo(re);
    const recurring = Array.from({ length: 4 }, () => word(cleanLineMinLength + rnd(2000)).replace(/abcd|x=y|e\\a/gi, ''));
    let matched = 0;
    for (let t = 0; t < 400; t++) {
      const lines = Array.from({ length: 1 + rnd(12) }, () => {
        const kind = rnd(4);
        if (kind === 0) return recurring[rnd(recurring.length)]!;
        if (kind === 1) return word(cleanLineMinLength + rnd(900));
        if (kind === 2 && rnd(20) === 0) return 'caf\u00e9';
        return word(rnd(60));
      });
      const text = lines.join('\n');
      const want = re.test(text);
      if (want) matched++;
      expect(memo.test(text)).toBe(want);
    }
    expect(matched).toBeGreaterThan(20);
    expect(matched).toBeLessThan(380);
  });

  it('finds a literal in a remembered line only when the line changed', () => {
    const memo = new CleanLineMemo(/needle/i);
    const long = 'q'.repeat(1500);
    expect(memo.test(`head\n${long}\ntail`)).toBe(false);
    expect(memo.test(`head\n${long}\nNEEDLE`)).toBe(true);
    expect(memo.test(`needle\n${long}`)).toBe(true);
    expect(memo.test(`head\n${long}x needle\ntail`)).toBe(true);
    expect(memo.test(`head\n${long}\ntail`)).toBe(false);
  });

  it('refuses a regex that keeps state between tests', () => {
    expect(() => new CleanLineMemo(/a/g)).toThrow();
  });
});
