import { describe, expect, it } from 'vitest';
import { KeywordPrefilter } from './keyword-prefilter.js';

const literals = ['dpapi::masterkey', 'sekurlsa::', 'eo.oe.kiwi', 'gentilkiwi.com', 'kiwi legit printer', 'mimidrv.sys', '\\mimilib.dll'];

describe('KeywordPrefilter', () => {
  const p = KeywordPrefilter.build(literals, false)!;

  it('passes every value that holds a literal, in any case', () => {
    for (const lit of literals) {
      expect(p.mayMatch(`before ${lit} after`)).toBe(true);
      expect(p.mayMatch(lit.toUpperCase())).toBe(true);
    }
    expect(p.mayMatch('C:\\Tools\\MimiLib.DLL')).toBe(true);
  });

  it('passes every random text whose folded form holds a literal, and rejects most others', () => {
    // Punctuation runs and cased needles are tested in one regex: pieces of both, case variants
    // and the two non-ASCII characters that fold to ASCII letters (KELVIN SIGN, I WITH DOT).
    const pieces = ['sekurlsa', '::', ':', 'KIWI', 'ki', 'wi', 'mimi', 'MiMi', 'mi', '\u212a', '\u0130', 'dpapi', 'lib.dll', '\\', ' ', 'x'];
    let seed = 11;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let rejected = 0;
    for (let t = 0; t < 20_000; t++) {
      let text = '';
      for (let k = rnd(8); k >= 0; k--) text += pieces[rnd(pieces.length)];
      const holds = literals.some((lit) => text.toLowerCase().includes(lit));
      if (holds) expect(p.mayMatch(text), text).toBe(true);
      if (!p.mayMatch(text)) rejected++;
    }
    expect(rejected).toBeGreaterThan(5000);
  });

  it('rejects values that hold no needle', () => {
    expect(p.mayMatch('Process accessed C:\\Windows\\System32\\lsass.exe at 12:30:01')).toBe(false);
    expect(p.mayMatch('')).toBe(false);
  });

  it('keeps windash needles clear of the dash characters', () => {
    const d = KeywordPrefilter.build(['-enc --x'], true);
    // `-` may be any dash in the text: no needle may contain it, and "enc " is a 4-character one.
    expect(d?.mayMatch('/enc \u2013x')).toBe(true);
    expect(d?.mayMatch('nothing here')).toBe(false);
  });

  it('gives up when a literal is too short for a needle or the cover needs too many', () => {
    expect(KeywordPrefilter.build(['ab'], false)).toBeUndefined();
    expect(KeywordPrefilter.build(['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee', 'ffff', 'gggg'], false)).toBeUndefined();
  });
});
