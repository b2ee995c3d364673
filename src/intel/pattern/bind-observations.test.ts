import { describe, expect, it } from 'vitest';
import { firstBinding } from './bind-observations.js';
import { EvaluationError } from './compare-values.js';
import { parsePattern } from './pattern-parser.js';

// Twenty single observations two seconds apart; every bracketed expression holds on each.
const spaced = Array.from({ length: 20 }, (_, i) => ({ first: i * 2000, last: i * 2000, count: 1 }));
const always = () => true;

describe('firstBinding', () => {
  it('finds REPEATS combinations that a WITHIN window allows', () => {
    expect(firstBinding(parsePattern('[a:b = 1] REPEATS 3 TIMES WITHIN 4 SECONDS').root, spaced, always)).toEqual([0, 1, 2]);
  });

  it('stops a combinatorial search at its step budget with an evaluation error instead of hanging', () => {
    const root = parsePattern('[a:b = 1] REPEATS 3 TIMES WITHIN 1 SECONDS').root; // never satisfiable here
    expect(firstBinding(root, spaced, always)).toBeUndefined();
    expect(() => firstBinding(root, spaced, always, 50)).toThrow(EvaluationError);
  });

  it('counts number_observed as separate instances', () => {
    const once = [{ first: 0, last: 0, count: 3 }];
    expect(firstBinding(parsePattern('[a:b = 1] REPEATS 3 TIMES').root, once, always)).toEqual([0]);
    expect(firstBinding(parsePattern('[a:b = 1] REPEATS 4 TIMES').root, once, always)).toBeUndefined();
  });
});
