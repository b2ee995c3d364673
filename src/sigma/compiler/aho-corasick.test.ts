import { describe, expect, it } from 'vitest';
import { AhoCorasick } from './aho-corasick.js';

function naive(patterns: string[], text: string): number[] {
  const out: number[] = [];
  for (let p = 0; p < patterns.length; p++) {
    const pat = patterns[p]!;
    if (!pat) continue;
    for (let i = text.indexOf(pat); i >= 0; i = text.indexOf(pat, i + 1)) out.push(p);
  }
  return out.sort((a, b) => a - b);
}

describe('AhoCorasick', () => {
  it('finds the classic he/she/his/hers occurrences', () => {
    const ac = new AhoCorasick(['he', 'she', 'his', 'hers']);
    expect(ac.search('ushers', []).sort()).toEqual([0, 1, 3]);
    expect(ac.search('ahishers', []).sort()).toEqual([0, 1, 2, 3]);
    expect(ac.search('xyz', [])).toEqual([]);
  });

  it('reports duplicates, overlaps, non-ASCII and ignores empty patterns', () => {
    const ac = new AhoCorasick(['aa', 'aa', '', 'é\u2013x', 'a']);
    expect(ac.search('aaa', []).sort()).toEqual([0, 0, 1, 1, 4, 4, 4].sort());
    expect(ac.search('zé\u2013x', [])).toEqual([3]);
  });

  it('agrees with a naive search on random texts (wide fan-out states too)', () => {
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = 'abcdefghijklmnop\\.-é';
    const word = (len: number): string => Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]).join('');
    for (let round = 0; round < 30; round++) {
      const patterns = Array.from({ length: 1 + rnd(60) }, () => word(1 + rnd(5)));
      // Fully dense, mostly sparse (tiny budget) and root-only dense tables must agree.
      for (const ac of [new AhoCorasick(patterns), new AhoCorasick(patterns, 200), new AhoCorasick(patterns, 1)]) {
        for (let t = 0; t < 20; t++) {
          const text = word(rnd(80));
          expect(ac.search(text, []).sort((a, b) => a - b)).toEqual(naive(patterns, text));
          expect(ac.search(text.toUpperCase(), [], true).sort((a, b) => a - b)).toEqual(naive(patterns, text.toUpperCase().toLowerCase()));
          // searchDistinct: the same set of patterns, repeats aside.
          expect([...new Set(ac.searchDistinct(text, []))].sort((a, b) => a - b)).toEqual([...new Set(naive(patterns, text))]);
        }
      }
    }
  });
});
