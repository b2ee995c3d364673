import { describe, expect, it } from 'vitest';
import { ProbeMemo } from './probe-memo.js';

const long = (tag: string): string => tag.padEnd(300, '.');

describe('ProbeMemo', () => {
  it('returns what was remembered for an equal value, not for another', () => {
    const memo = new ProbeMemo();
    expect(memo.get(long('a'))).toBeUndefined();
    memo.remember(long('a'), [3, 1]);
    memo.remember(long('b'), []);
    // Equal content in another string object still hits.
    expect(memo.get(`${long('a')}`.slice(0))).toEqual([3, 1]);
    expect(memo.get(long('b'))).toEqual([]);
    expect(memo.get(long('c'))).toBeUndefined();
  });

  it('keeps the 16 last values', () => {
    const memo = new ProbeMemo();
    for (let i = 0; i < 17; i++) memo.remember(long(`v${i}`), [i]);
    expect(memo.get(long('v0'))).toBeUndefined();
    expect(memo.get(long('v1'))).toEqual([1]);
    expect(memo.get(long('v16'))).toEqual([16]);
  });

  it('rests after a trial in which values did not repeat, then answers nothing', () => {
    const memo = new ProbeMemo();
    for (let i = 0; i < 512; i++) {
      const v = long(`x${i}`);
      expect(memo.get(v)).toBeUndefined();
      memo.remember(v, [i]);
    }
    expect(memo.active).toBe(false);
    memo.remember(long('y'), [1]);
    expect(memo.get(long('y'))).toBeUndefined();
  });
});
