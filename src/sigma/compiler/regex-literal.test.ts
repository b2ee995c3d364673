import { describe, expect, it } from 'vitest';
import { RE2JS } from 're2js';
import { requiredLiteral } from './regex-literal.js';

describe('requiredLiteral', () => {
  it('finds the longest run every match needs', () => {
    expect(requiredLiteral('\\$PSHome\\[\\s*\\d')).toBe('$PSHome[');
    expect(requiredLiteral('abc(def|x)ghij')).toBe('ghij');
    expect(requiredLiteral('ab+cdef')).toBe('cdef');
    expect(requiredLiteral('xyzw?q')).toBe('xyz');
    expect(requiredLiteral('[a-z]+\\.exe$')).toBe('.exe');
    expect(requiredLiteral('(?i)powershell.{0,5}-enc')).toBe('powershell');
    expect(requiredLiteral('abc{2}defg')).toBe('defg');
  });

  it('gives up on top-level alternation and short runs', () => {
    expect(requiredLiteral('abcd|efgh')).toBeUndefined();
    expect(requiredLiteral('a.b.c')).toBeUndefined();
    expect(requiredLiteral('\\d+\\w+')).toBeUndefined();
  });

  it('never claims a literal that a real match lacks', () => {
    const cases: [string, string][] = [
      ['fo+bar', 'fooobar'],
      ['ab?cde', 'acde'],
      ['x*yz{0,2}abc', 'yabc'],
      ['(?i)HELLO world', 'hello WORLD'],
      ['a\\.b\\+cd', 'a.b+cd'],
      ['[abc]def(g|h)ijk', 'bdefhijk'],
    ];
    for (const [re, text] of cases) {
      expect(RE2JS.compile(re).test(text)).toBe(true);
      const lit = requiredLiteral(re, 1);
      if (lit !== undefined) expect(text.toLowerCase()).toContain(lit.toLowerCase());
    }
  });
});
