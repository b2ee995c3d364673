import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { RegexPrefilter } from './regex-prefilter.js';

const compile = (source: string, flags = 0) => ({ re: RE2JS.compile(source, flags), source });
const may = (source: string, text: string, flags = 0) => RegexPrefilter.of(compile(source, flags)).mayMatch(text, text.toLowerCase());

describe('RegexPrefilter', () => {
  it('rules out texts that lack a required run', () => {
    expect(may('(?i)(set).*&&\\s?set.*(environment|invoke|\\$\\{?input).*&&.*"', 'Set-Item x; Get-ChildItem')).toBe(false);
    expect(may('(?i)(set).*&&\\s?set.*(environment|invoke|\\$\\{?input).*&&.*"', 'SET x && SET y')).toBe(true);
    expect(may('net\\s+user\\s+', 'netsh interface show')).toBe(false);
    expect(may('net\\s+user\\s+', 'net  user  bob')).toBe(true);
  });

  it('checks case-sensitive runs as written and case-insensitive ones folded', () => {
    expect(may('Invoke-Expression', 'invoke-expression')).toBe(false);
    expect(may('Invoke-Expression', 'invoke-expression', RE2JS.CASE_INSENSITIVE)).toBe(true);
    expect(may('(?i)Invoke-Expression', 'INVOKE-EXPRESSION')).toBe(true);
  });

  it('never rules out a text the regex matches, RE2 case folding included', () => {
    const cases: [string, string, number?][] = [
      ['(?i)desktop', 'DES\u212ATOP'], // Kelvin sign: RE2 folds it with k
      ['(?i)mask', 'MA\u017FK'], // long s: RE2 folds it with s
      ['abc(def|x)ghij', 'abcxghij'],
      ['fo+bar', 'fooobar'],
      ['x*yz{0,2}abc', 'yabc'],
      ['[[:alpha:]]x]abc', 'zx]abc'],
      ['a\\.b\\+cd', 'a.b+cd'],
      ['(?i)\\$\\{`?e`?n`?v`?:`?p`?a`?t`?h`?\\}', '${e`Nv:pATh}'],
      ['\\w+`(\\w+|-|.)`[\\w+|\\s]', 'IN`V`o`Ke'],
      ['HELLO', 'say hello', RE2JS.CASE_INSENSITIVE],
    ];
    for (const [source, text, flags] of cases) {
      expect(RE2JS.compile(source, flags ?? 0).test(text), source).toBe(true);
      expect(may(source, text, flags), source).toBe(true);
    }
  });
});
