import { describe, expect, it } from 'vitest';
import { AhoCorasick } from './aho-corasick.js';
import { LineScanMemo, memoMinLine } from './line-scan-memo.js';

function distinct(hits: readonly number[]): number[] {
  return [...new Set(hits)].sort((a, b) => a - b);
}

function naive(patterns: string[], text: string): number[] {
  return patterns.flatMap((p, k) => (p !== '' && text.includes(p) ? [k] : []));
}

/** Seeded PRNG so a failure reproduces. */
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % n;
  };
}

describe('LineScanMemo', () => {
  it('finds the same patterns as a plain scan, long lines repeated or not', () => {
    const rnd = random(11);
    const alphabet = 'abcde -\\.';
    const word = (len: number): string => Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]).join('');
    for (let round = 0; round < 20; round++) {
      const patterns = Array.from({ length: 8 + rnd(40) }, () => word(1 + rnd(6)));
      const ac = new AhoCorasick(patterns);
      const memo = new LineScanMemo(ac);
      // A few long lines that recur across texts, mixed with short and fresh ones.
      const recurring = Array.from({ length: 3 }, () => word(memoMinLine + rnd(400)));
      for (let t = 0; t < 40; t++) {
        const lines = Array.from({ length: 1 + rnd(6) }, () => {
          const kind = rnd(3);
          return kind === 0 ? recurring[rnd(recurring.length)]! : kind === 1 ? word(rnd(40)) : word(memoMinLine + rnd(300));
        });
        const text = lines.join(rnd(2) === 0 ? '\n' : '\r\n');
        expect(distinct(memo.search(text, []))).toEqual(naive(patterns, text));
      }
    }
  });

  it('reports patterns at the very start and end of lines, and in the short lines between long ones', () => {
    const long = 'x'.repeat(memoMinLine);
    const ac = new AhoCorasick(['ab', 'yz', 'mid', 'x\r']);
    const memo = new LineScanMemo(ac);
    const text = `ab${long}yz\nmid\n${long}\r\nab`;
    for (let i = 0; i < 3; i++) expect(distinct(memo.search(text, []))).toEqual([0, 1, 2, 3]);
    expect(distinct(memo.search(`${long}\n${long}`, []))).toEqual([]);
  });

  it('keeps answering exactly when lines stop repeating (the memo rests)', () => {
    const ac = new AhoCorasick(['needle', 'pin']);
    const memo = new LineScanMemo(ac);
    for (let i = 0; i < 2000; i++) {
      const fresh = `${i}`.padStart(memoMinLine, 'q');
      const text = i % 7 === 0 ? `${fresh}needle\npin` : `${fresh}\nx`;
      expect(distinct(memo.search(text, []))).toEqual(i % 7 === 0 ? [0, 1] : []);
    }
  });

  it('refuses an automaton with a line feed in a pattern', () => {
    expect(() => new LineScanMemo(new AhoCorasick(['a\nb']))).toThrow();
  });
});
