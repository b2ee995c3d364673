import { describe, expect, it } from 'vitest';
import { PatternError } from './pattern-error.js';
import { parsePattern } from './pattern-parser.js';
import { validatePattern } from './validate-pattern.js';

function errorOf(pattern: string): PatternError {
  try {
    validatePattern(pattern);
  } catch (e) {
    if (e instanceof PatternError) return e;
    throw e;
  }
  throw new Error(`no error for ${pattern}`);
}

describe('parsePattern', () => {
  it('gives AND precedence over OR over FOLLOWEDBY, all left-associative', () => {
    const { root } = parsePattern('[a:b = 1] FOLLOWEDBY [a:b = 2] OR [a:b = 3] AND [a:b = 4] FOLLOWEDBY [a:b = 5]');
    expect(root.kind).toBe('followedby');
    if (root.kind !== 'followedby') return;
    expect(root.left.kind).toBe('followedby');
    expect(root.right.kind).toBe('observation');
    const middle = root.left.kind === 'followedby' ? root.left.right : undefined;
    expect(middle?.kind).toBe('or');
    if (middle?.kind === 'or') expect(middle.right.kind).toBe('and');
  });

  it('binds qualifiers to the observation before them', () => {
    const { root } = parsePattern("[a:b = 1] AND [a:c = 2] WITHIN 5 SECONDS START t'2020-01-01T00:00:00Z' STOP t'2020-01-02T00:00:00Z'");
    expect(root.kind).toBe('and');
    if (root.kind !== 'and') return;
    expect(root.left.kind).toBe('observation');
    expect(root.right).toMatchObject({ kind: 'qualified', qualifier: { kind: 'startstop' }, inner: { kind: 'qualified', qualifier: { kind: 'within', seconds: 5 } } });
  });

  it('decodes every literal kind and quoted, indexed and starred path steps', () => {
    const { root } = parsePattern("[x-t:a.'b-c'[3][*].d IN ('it\\'s', 'a\\\\b', -4, +2.5, true, h'0aff', b'AQID', t'2020-02-03T04:05:06.5Z')]");
    if (root.kind !== 'observation' || root.comparison.kind !== 'compare') throw new Error('shape');
    expect(root.comparison.path.steps).toEqual([{ kind: 'key', key: 'a' }, { kind: 'key', key: 'b-c' }, { kind: 'index', index: 3 }, { kind: 'any' }, { kind: 'key', key: 'd' }]);
    expect(root.comparison.value).toEqual([
      { kind: 'string', value: "it's" },
      { kind: 'string', value: 'a\\b' },
      { kind: 'int', value: -4 },
      { kind: 'float', value: 2.5 },
      { kind: 'bool', value: true },
      { kind: 'binary', value: new Uint8Array([10, 255]), encoding: 'hex' },
      { kind: 'binary', value: new Uint8Array([1, 2, 3]), encoding: 'base64' },
      { kind: 'timestamp', value: '2020-02-03T04:05:06.500000Z', text: '2020-02-03T04:05:06.5Z' },
    ]);
  });

  it('skips comments and whitespace the grammar skips', () => {
    expect(() => parsePattern("/* lead */ [a:b = 1] // tail\n AND\t[a:c != 'x']")).not.toThrow();
  });
});

describe('validatePattern errors say where and why', () => {
  it('points at the offending token with line and column', () => {
    const e = errorOf("[file:name = 'a']\n  AND [file:size > ]");
    expect(e.details).toMatchObject({ phase: 'syntax', line: 2, column: 20 });
    expect(e.code).toBe('VALIDATION_FAILED');
  });

  it('refuses escapes other than \\\' and \\\\, unterminated strings, hyphenated unquoted properties, and null', () => {
    expect(errorOf("[file:name = 'a\\nb']").reason).toMatch(/invalid escape/);
    expect(errorOf("[file:name = 'abc]").reason).toMatch(/unterminated/);
    expect(errorOf("[some-type:needs-quotes = 1]").reason).toMatch(/must be quoted/);
    expect(errorOf('[a:b IN (null)]').phase).toBe('syntax');
  });

  it('refuses regexes RE2 cannot run in linear time and qualifier values the spec forbids', () => {
    expect(errorOf("[file:name MATCHES '(a)\\\\1']").reason).toMatch(/RE2/);
    expect(errorOf('[a:b = 1] WITHIN 0 SECONDS').reason).toMatch(/positive/);
    expect(errorOf('[a:b = 1] REPEATS 0 TIMES').reason).toMatch(/at least 1/);
    expect(errorOf("[a:b IN (1, 'x')]").reason).toMatch(/mixes/);
  });

  it('bounds nesting so a hostile pattern cannot exhaust the stack', () => {
    const deep = '('.repeat(5000) + '[a:b = 1]' + ')'.repeat(5000);
    expect(errorOf(deep).reason).toMatch(/nesting/);
  });

  it('warns, without refusing, about object types outside the spec naming rule', () => {
    expect(validatePattern("[x_whatever:a = 'b']").warnings[0]).toMatch(/x_whatever/);
    expect(validatePattern("[x-acme-thing:a = 'b']").warnings).toEqual([]);
  });
});

describe('size bounds', () => {
  it('takes long OR chains up to the bound and refuses longer ones with a reason, never a stack overflow', () => {
    const chain = (n: number) => '[' + Array.from({ length: n }, (_, i) => `domain-name:value = 'd${i}.example'`).join(' OR ') + ']';
    expect(() => validatePattern(chain(4000))).not.toThrow();
    expect(errorOf(chain(4001)).reason).toMatch(/more than 4000 comparisons/);
    const observations = Array.from({ length: 401 }, (_, i) => `[x-t:v = ${i}]`).join(' OR ');
    expect(errorOf(observations).reason).toMatch(/more than 400 observation/);
  });
});
