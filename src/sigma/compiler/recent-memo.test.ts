import { describe, expect, it } from 'vitest';
import { RecentMemo } from './recent-memo.js';

describe('RecentMemo', () => {
  it('stays on while a quarter of the lookups of a trial hit, and otherwise rests for 65,536 uses', () => {
    const memo = new RecentMemo<number>();
    memo.remember('same', 1);
    // 128 hits in 512 lookups: exactly the share that keeps it on.
    for (let i = 0; i < 512; i++) memo.lookup(i % 4 === 0 ? 'same' : `other${i}`);
    expect(memo.active).toBe(true);
    expect(memo.lookup('same')).toBe(1);
    // 1 hit in the next 512: it clears and rests.
    for (let i = 1; i < 512; i++) memo.lookup(`miss${i}`);
    expect(memo.active).toBe(false);
    expect(memo.lookup('same')).toBeUndefined();
    memo.remember('kept?', 2);
    expect(memo.lookup('kept?')).toBeUndefined();
    let rested = 0;
    while (memo.rests()) rested++;
    expect(rested).toBe(65_536);
    expect(memo.active).toBe(true);
    memo.remember('again', 3);
    expect(memo.lookup('again')).toBe(3);
  });
});
