import { describe, expect, it } from 'vitest';
import { ONE, STAR, parseSigmaPattern } from './sigma-pattern.js';

describe('parseSigmaPattern', () => {
  it('splits literal runs and wildcards, applying the spec escapes', () => {
    expect(parseSigmaPattern('')).toEqual([]);
    expect(parseSigmaPattern('plain text of some length')).toEqual(['plain text of some length']);
    expect(parseSigmaPattern('a\\*b*')).toEqual(['a*b', STAR]);
    expect(parseSigmaPattern('x**y?')).toEqual(['x', STAR, 'y', ONE]);
    expect(parseSigmaPattern('?*')).toEqual([ONE, STAR]);
    expect(parseSigmaPattern('\\\\?')).toEqual(['\\', ONE]);
    expect(parseSigmaPattern('C:\\Windows\\System32\\*.exe')).toEqual(['C:\\Windows\\System32*.exe']);
    expect(parseSigmaPattern('C:\\Windows\\*\\x.exe')).toEqual(['C:\\Windows*\\x.exe']);
    expect(parseSigmaPattern('*\\\\cmd.exe\\')).toEqual([STAR, '\\cmd.exe\\']);
    expect(parseSigmaPattern('a\\?\\?b*c')).toEqual(['a??b', STAR, 'c']);
  });
});
