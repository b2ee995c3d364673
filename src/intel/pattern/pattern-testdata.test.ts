import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectPattern } from './inspect-pattern.js';
import { matchObservedData } from './match-observed-data.js';
import { PatternError } from './pattern-error.js';
import { validatePattern } from './validate-pattern.js';

// The OASIS test vectors (../shared/testdata/stix-patterns, see its README): validity verdicts
// from the reference validator and recorded calls of the reference matcher.
const dir = resolve(__dirname, '../../../../shared/testdata/stix-patterns');
const present = existsSync(`${dir}/patterns.json`);
if (!present) console.log(`skipping STIX pattern test vectors: ${dir} is absent`);

interface PatternCase {
  pattern: string;
  valid: boolean;
  group: string;
  note?: string;
  expected_error_prefix?: string;
  expected_qualifiers?: string[];
  expected_observation_ops?: string[];
  expected_comparisons?: Record<string, unknown[]>;
}
interface MatcherCase {
  case: number;
  test: string;
  stix_version: '2.0' | '2.1';
  pattern: string;
  observations: unknown[];
  expected_match: boolean | null;
  expected_error: 'MatcherException' | 'ParseException' | null;
  expected_matched_observed_data_ids?: string[];
}
const load = <T>(file: string): T[] => (present ? (JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as T[]) : []);
const patterns = load<PatternCase>('patterns.json');
const matcherCases = load<MatcherCase>('matcher-cases.json');

describe.skipIf(!present)('patterns.json: validity agrees with the OASIS validator', () => {
  it.each(patterns.filter((p) => p.valid).map((p) => [p.group, p.pattern] as const))('%s: valid %s', (_group, pattern) => {
    expect(() => validatePattern(pattern)).not.toThrow();
  });

  it.each(patterns.filter((p) => !p.valid).map((p) => [p.group, p.pattern, p.expected_error_prefix ?? ''] as const))('%s: invalid %s', (_group, pattern, prefix) => {
    let error: unknown;
    try {
      validatePattern(pattern);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PatternError);
    const e = error as PatternError;
    // ANTLR reports "line L:C" with a 0-based column; ours is 1-based.
    const at = /^FAIL: Error found at line (\d+):(\d+)\./.exec(prefix);
    if (at) {
      expect(e.phase).toBe('syntax');
      expect([e.position.line, e.position.column - 1]).toEqual([Number(at[1]), Number(at[2])]);
    } else if (prefix.startsWith('FAIL: Error found at line')) expect(e.phase).toBe('syntax');
    else {
      expect(e.phase).toBe('semantic');
      expect(`FAIL: ${e.reason}`.startsWith(prefix)).toBe(true);
    }
  });
});

describe.skipIf(!present)('patterns.json: inspection agrees with the OASIS inspector', () => {
  it.each(patterns.filter((p) => p.group.startsWith('inspector_')).map((p) => [p.group, p.pattern, p] as const))('%s: %s', (_group, pattern, p) => {
    const inspection = inspectPattern(validatePattern(pattern));
    if (p.expected_qualifiers) expect(inspection.qualifiers).toEqual([...p.expected_qualifiers].sort());
    if (p.expected_observation_ops) expect(inspection.observationOps).toEqual([...p.expected_observation_ops].sort());
    if (p.expected_comparisons) expect(inspection.comparisons).toEqual(p.expected_comparisons);
  });
});

describe.skipIf(!present)('matcher-cases.json: outcomes agree with the OASIS matcher', () => {
  const cases = matcherCases.map((c) => [c.case, c.pattern, c] as const);
  it.each(cases)('case %i: %s', (_n, pattern, c) => {
    // 2.0 cases: the reference matcher parses without the 2.1 validator and reads `objects` maps.
    const run = () => matchObservedData(pattern, c.observations, { stixVersion: c.stix_version });
    if (c.expected_error) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PatternError);
      // A pattern that can never be evaluated (WITHIN 0, a mixed IN set) is refused when it is
      // validated rather than on the first data: both are the reference's MatcherException.
      const phases = c.expected_error === 'ParseException' ? ['syntax'] : ['semantic', 'evaluation'];
      expect(phases).toContain((error as PatternError).phase);
      return;
    }
    const result = run();
    expect(result.matched).toBe(c.expected_match);
    const ids = c.expected_matched_observed_data_ids;
    if (ids) {
      const got = result.observedData.map((o) => o.id);
      if (c.test.includes('multy_sdo') || c.test.includes('multi_sdo')) expect([got[0], got.length]).toEqual([ids[0], ids.length]);
      else expect(new Set(got)).toEqual(new Set(ids));
    }
  });
});
