import { describe, expect, it } from 'vitest';
import { detachString } from './detach-string.js';

describe('detachString', () => {
  it('keeps the characters of short, long and non-ASCII substrings', () => {
    const text = 'title: Suspicious Process Created By WmiPrvSE — ünïcode\ndescription: x';
    for (const [from, to] of [[0, 5], [7, 56], [57, 69], [0, 0]] as const) {
      const part = text.slice(from, to);
      expect(detachString(part)).toBe(part);
    }
  });
});
