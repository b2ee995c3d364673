import { describe, expect, it } from 'vitest';
import { ProbeCache } from './probe-cache.js';

describe('ProbeCache', () => {
  it('returns what was kept for an equal value, in another string object too', () => {
    const cache = new ProbeCache();
    const kept = { rules: [3, 1], hits: [0, 7] };
    cache.set('C:\\Windows\\System32\\svchost.exe', kept);
    expect(cache.get(['C:', 'Windows', 'System32', 'svchost.exe'].join('\\'))).toBe(kept);
    expect(cache.get('C:\\Windows\\System32\\svchost.ex')).toBeUndefined();
  });

  it('tells apart values that agree on every character its fingerprint reads', () => {
    const cache = new ProbeCache();
    // 100 characters: the fingerprint reads every 13th from the end; the 50th is not one of them.
    const a = 'a'.repeat(100);
    const b = 'a'.repeat(50) + 'b' + 'a'.repeat(49);
    cache.set(a, { rules: [1], hits: undefined });
    expect(cache.get(b)).toBeUndefined();
    cache.set(b, { rules: [2], hits: undefined });
    expect(cache.get(a)?.rules).toEqual([1]);
    expect(cache.get(b)?.rules).toEqual([2]);
    expect(cache.get('a'.repeat(49) + 'c' + 'a'.repeat(50))).toBeUndefined();
  });

  it('finds any of thousands of values, not only the last few', () => {
    const cache = new ProbeCache();
    for (let i = 0; i < 3000; i++) cache.set(`value ${i}`, { rules: [i], hits: undefined });
    expect(cache.get('value 0')?.rules).toEqual([0]);
    expect(cache.get('value 2999')?.rules).toEqual([2999]);
  });

  it('starts over when its values reach 131,072 characters', () => {
    const cache = new ProbeCache();
    const v = (i: number) => `${i}`.padEnd(1024, '.');
    for (let i = 0; i < 128; i++) cache.set(v(i), { rules: [i], hits: undefined });
    expect(cache.get(v(0))?.rules).toEqual([0]);
    cache.set(v(128), { rules: [128], hits: undefined });
    expect(cache.get(v(0))).toBeUndefined();
    expect(cache.get(v(128))?.rules).toEqual([128]);
  });

  it('rests after a trial of 1,024 lookups in which under a quarter hit, then tries again', () => {
    const cache = new ProbeCache();
    cache.set('kept', { rules: [1], hits: undefined });
    for (let i = 0; i < 1023; i++) {
      expect(cache.rests()).toBe(false);
      expect(cache.get(`new ${i}`)).toBeUndefined();
    }
    expect(cache.get('kept')).toBeDefined();
    // The trial ended with 1 hit in 1,024: the cache forgot everything and rests.
    expect(cache.rests()).toBe(true);
    cache.set('kept', { rules: [1], hits: undefined });
    let rested = 1;
    while (cache.rests()) rested++;
    expect(rested).toBe(65_536);
    expect(cache.get('kept')).toBeUndefined();
    cache.set('kept', { rules: [2], hits: undefined });
    expect(cache.get('kept')?.rules).toEqual([2]);
  });

  it('stays on when a quarter of the lookups hit', () => {
    const cache = new ProbeCache();
    cache.set('kept', { rules: [1], hits: undefined });
    for (let i = 0; i < 4096; i++) cache.get(i % 4 === 0 ? 'kept' : `new ${i}`);
    expect(cache.rests()).toBe(false);
    expect(cache.get('kept')).toBeDefined();
  });
});
