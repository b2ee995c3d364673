import { describe, expect, it } from 'vitest';
import { globMatch, globMatcher } from './glob-match.js';
import { ONE, STAR, type PatternPart } from './sigma-pattern.js';

describe('globMatcher', () => {
  it('answers as globMatch does, on examples', () => {
    const cases: [PatternPart[], string, boolean][] = [
      [[STAR, ' -e', STAR, ' jab', STAR], 'powershell -enc jabcaa', true],
      [[STAR, ' -e', STAR, ' jab', STAR], 'powershell jab -e x', false],
      [['a', STAR, 'a'], 'a', false],
      [['a', STAR, 'a'], 'aa', true],
      [['ab', STAR, 'b', STAR, 'bc'], 'abbc', false],
      [['ab', STAR, 'b', STAR, 'bc'], 'abbbc', true],
      [[STAR], '', true],
      [[], '', true],
      [[], 'x', false],
      [['x'], 'x', true],
      [[STAR, 'x'], 'yx', true],
      [['x', STAR], 'yx', false],
      [['a', ONE, 'c'], 'abc', true],
    ];
    for (const [parts, value, want] of cases) {
      expect(globMatch(parts, value), JSON.stringify([parts, value])).toBe(want);
      expect(globMatcher(parts)(value), JSON.stringify([parts, value])).toBe(want);
    }
  });

  it('answers as globMatch does, on 100,000 random patterns and texts over a small alphabet', () => {
    let seed = 3;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    const word = (max: number): string => {
      let s = '';
      for (let n = rnd(max + 1); n > 0; n--) s += 'ab'[rnd(2)];
      return s;
    };
    let matched = 0;
    for (let k = 0; k < 100_000; k++) {
      const parts: PatternPart[] = [];
      for (let n = rnd(5); n >= 0; n--) {
        const r = rnd(3);
        // As the parser builds them: no two stars in a row, no empty literal.
        if (r === 0 && parts[parts.length - 1] !== STAR) parts.push(STAR);
        else if (r === 1 && k % 2 === 0) parts.push(ONE);
        else {
          const w = word(3);
          if (w !== '') parts.push(w);
        }
      }
      const value = word(8);
      const want = globMatch(parts, value);
      if (want) matched++;
      expect(globMatcher(parts)(value), JSON.stringify([parts, value])).toBe(want);
    }
    expect(matched).toBeGreaterThan(10_000);
  });
});
