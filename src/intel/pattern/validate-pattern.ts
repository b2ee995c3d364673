import type { ComparisonExpression, ObservationExpression, PatternAst, PatternLiteral, Qualifier } from './pattern-ast.js';
import { PatternError } from './pattern-error.js';
import { compileRegex } from './compile-regex.js';
import { parsePattern } from './pattern-parser.js';

/** Hash algorithm names of the STIX 2.1 hash-algorithm-ov vocabulary with a fixed hex length. */
const hashLengths: Record<string, [string, number]> = {
  md5: ['MD5', 32], 'sha-1': ['SHA-1', 40], sha1: ['SHA-1', 40], 'sha-256': ['SHA-256', 64], sha256: ['SHA-256', 64],
  'sha-512': ['SHA-512', 128], sha512: ['SHA-512', 128], 'sha3-256': ['SHA3-256', 64], 'sha3-512': ['SHA3-512', 128],
};
const hexOnly = /^[0-9a-fA-F]*$/;
const specTypeName = /^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$/;

/** A pattern that parsed and passed the spec's rules, with advisory notes that do not reject it. */
export interface ValidatedPattern extends PatternAst {
  warnings: string[];
}

/**
 * Parses and validates a STIX 2.1 pattern: the grammar, then the rules the spec and the OASIS
 * validator add — hash values of the right length, no qualifier twice on one bracketed
 * observation, WITHIN > 0, REPEATS ≥ 1, MATCHES regexes that RE2 compiles, IN sets of one type.
 * Object type names outside the spec's `[a-z0-9-]{3,250}` only warn: the OASIS test vectors
 * accept `x_whatever` and one-letter types, and peers send them.
 *
 * @throws PatternError with phase `syntax` or `semantic`, offset, line and column.
 */
export function validatePattern(source: string): ValidatedPattern {
  const ast = parsePattern(source);
  const warnings: string[] = [];
  const fail = (reason: string, offset: number): never => {
    throw new PatternError('semantic', reason, source, offset);
  };
  const checkQualifier = (q: Qualifier): void => {
    if (q.kind === 'within' && !(q.seconds > 0)) fail(`WITHIN must be a positive number of seconds, got ${q.seconds}`, q.offset);
    if (q.kind === 'repeats' && q.times < 1) fail(`REPEATS must be at least 1, got ${q.times}`, q.offset);
    if (q.kind === 'startstop' && !(q.start < q.stop)) warnings.push(`START is not before STOP at offset ${q.offset}: the observation can never match`);
  };
  const checkLiteral = (c: Extract<ComparisonExpression, { kind: 'compare' }>): void => {
    const last = c.path.steps[c.path.steps.length - 1];
    const prev = c.path.steps[c.path.steps.length - 2];
    if (prev?.kind === 'key' && prev.key === 'hashes' && last?.kind === 'key' && !Array.isArray(c.value) && c.value.kind === 'string' && (c.operator === '=' || c.operator === '!=')) {
      const spec = hashLengths[last.key.toLowerCase()];
      if (spec && (c.value.value.length !== spec[1] || !hexOnly.test(c.value.value))) fail(`'${c.value.value}' is not a valid ${spec[0]} hash`, c.valueOffset);
    }
    if (Array.isArray(c.value)) {
      const kinds = new Set(c.value.map(literalFamily));
      if (kinds.size > 1) fail(`IN set mixes value types (${[...kinds].join(', ')})`, c.valueOffset);
    } else if (c.operator === 'MATCHES' && c.value.kind === 'string') {
      const re = compileRegex(c.value.value);
      if (typeof re === 'string') fail(`MATCHES regex is not accepted by RE2: ${re}`, c.valueOffset);
    }
  };
  const walkComparison = (c: ComparisonExpression): void => {
    if (c.kind === 'and' || c.kind === 'or') {
      walkComparison(c.left);
      walkComparison(c.right);
      return;
    }
    if (!specTypeName.test(c.path.objectType)) warnings.push(`object type '${c.path.objectType}' is not a STIX 2.1 type name ([a-z0-9-], 3-250 characters)`);
    if (c.kind === 'compare') checkLiteral(c);
  };
  const walk = (o: ObservationExpression): void => {
    switch (o.kind) {
      case 'observation':
        return walkComparison(o.comparison);
      case 'and':
      case 'or':
      case 'followedby':
        walk(o.left);
        return walk(o.right);
      case 'group':
        return walk(o.inner);
      case 'qualified': {
        // A chain of qualifiers straight on one [ … ] may not repeat a kind; around parentheses
        // it may (the OASIS validator accepts `([…]) WITHIN 5 SECONDS WITHIN 6 SECONDS`).
        const seen = new Set<string>();
        let inner: ObservationExpression = o;
        while (inner.kind === 'qualified') {
          checkQualifier(inner.qualifier);
          const key = inner.qualifier.kind.toUpperCase();
          if (seen.has(key) && innermost(inner).kind === 'observation') fail(`Duplicate qualifier type encountered: ${key}`, inner.qualifier.offset);
          seen.add(key);
          inner = inner.inner;
        }
        return walk(inner);
      }
    }
  };
  walk(ast.root);
  return { ...ast, warnings };
}

function innermost(o: ObservationExpression): ObservationExpression {
  while (o.kind === 'qualified') o = o.inner;
  return o;
}

function literalFamily(l: PatternLiteral): string {
  return l.kind === 'int' || l.kind === 'float' ? 'number' : l.kind;
}
