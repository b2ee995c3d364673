import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { SigmaRegex } from './sigma-regex.js';

describe('SigmaRegex', () => {
  it('matches like RE2JS with the same flags', () => {
    const cases: [string, number, string, boolean][] = [
      ['cmd\\.exe$', 0, 'C:\\Windows\\cmd.exe', true],
      ['^powershell', RE2JS.CASE_INSENSITIVE, 'PowerShell -enc', true],
      ['^powershell', 0, 'PowerShell -enc', false],
      ['a.b', RE2JS.DOTALL, 'a\nb', true],
      ['^b$', RE2JS.MULTILINE, 'a\nb', true],
      ['(?i)\\\\temp\\\\[a-f0-9]{8}\\.dll', 0, 'C:\\TEMP\\DEADBEEF.DLL', true],
    ];
    for (const [source, flags, text, expected] of cases) {
      const re = new SigmaRegex(source, flags);
      expect(re.flags()).toBe(RE2JS.compile(source, flags).flags());
      expect(re.test(text), source).toBe(expected);
      expect(re.test(text), source).toBe(RE2JS.compile(source, flags).test(text));
    }
  });

  it('rejects when constructed every pattern RE2JS.compile rejects, with the same message', () => {
    for (const source of ['(', '[a', 'a**', 'a{1001}', '(?=a)', '(?<n>a)(?<n>b)', 'x{2,1}', '\\8', '(?P<>a)', 'a'.repeat(10) + '{1000}{1000}']) {
      let expected: string | undefined;
      try {
        RE2JS.compile(source);
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected, source).toBeDefined();
      expect(() => new SigmaRegex(source, 0), source).toThrow(expected!);
    }
  });
});
