import type { ComparisonOperator, PatternLiteral } from './pattern-ast.js';
import { compileLike, compileRegex } from './compile-regex.js';
import { normalizeTimestamp } from './pattern-literals.js';
import { cidrContains, parseCidr } from './ip-cidr.js';
import type { RE2JS } from 're2js';

/** Thrown when data, not the pattern, makes a comparison impossible (a bad timestamp string). */
export class EvaluationError extends Error {}

/** A property value as the matcher sees it: JSON, or bytes for `*_hex`/`*_bin` properties. */
export type ObservedValue = unknown;

/**
 * Compares observed values with one literal, following the STIX 2.1 comparison rules and the
 * OASIS reference matcher where the spec is silent: numbers compare by value whatever their
 * spelling; strings compare code point by code point for =, != and IN (the reference's own test
 * vectors say `d\u0323\u0307` != `\u1e0d\u0307`) but after NFC normalisation for LIKE and
 * MATCHES, where the same vectors match every spelling; strings and bytes only through Latin-1,
 * timestamps only with strings that are strict STIX timestamps (anything else is an error),
 * and values of different kinds are simply unequal (so `!=` is true and `<` is false).
 */
export class ValueComparator {
  private regex?: RE2JS;
  private readonly set?: PatternLiteral[];
  constructor(
    readonly operator: ComparisonOperator,
    readonly literal: PatternLiteral | PatternLiteral[],
  ) {
    if (Array.isArray(literal)) {
      const families = new Set(literal.map((l) => (l.kind === 'int' || l.kind === 'float' ? 'number' : l.kind)));
      if (families.size > 1) throw new EvaluationError(`IN set mixes value types (${[...families].join(', ')})`);
      this.set = literal;
    }
    else if (literal.kind === 'string') {
      const text = literal.value.normalize('NFC');
      if (operator === 'LIKE') this.regex = compileLike(text);
      if (operator === 'MATCHES') {
        const re = compileRegex(text);
        if (typeof re === 'string') throw new EvaluationError(re);
        this.regex = re;
      }
    }
  }

  /** The comparison without NOT. */
  test(value: ObservedValue): boolean {
    const lit = this.literal;
    switch (this.operator) {
      case '=':
        return equals(value, lit as PatternLiteral);
      case '!=':
        return !equals(value, lit as PatternLiteral);
      case 'IN':
        return this.set!.some((l) => equals(value, l));
      case '<':
      case '>':
      case '<=':
      case '>=': {
        const c = order(value, lit as PatternLiteral);
        if (c === undefined) return false;
        return this.operator === '<' ? c < 0 : this.operator === '>' ? c > 0 : this.operator === '<=' ? c <= 0 : c >= 0;
      }
      case 'LIKE':
      case 'MATCHES': {
        const text = typeof value === 'string' ? value.normalize('NFC') : value instanceof Uint8Array ? latin1(value) : undefined;
        return text !== undefined && this.regex!.test(text);
      }
      case 'ISSUBSET':
      case 'ISSUPERSET': {
        if (typeof value !== 'string') return false;
        const observed = parseCidr(value);
        const given = parseCidr((lit as { value: string }).value);
        if (!observed || !given) return false;
        return this.operator === 'ISSUBSET' ? cidrContains(given, observed) : cidrContains(observed, given);
      }
    }
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** The string's code points as bytes when all are below 256; otherwise no byte form exists. */
function stringBytes(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) return undefined;
    out[i] = c;
  }
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function observedTimestamp(value: string): string {
  const ts = normalizeTimestamp(value);
  if (ts === undefined) throw new EvaluationError(`'${value}' is not a STIX timestamp`);
  return ts;
}

function equals(value: ObservedValue, lit: PatternLiteral): boolean {
  switch (lit.kind) {
    case 'int':
    case 'float':
      return typeof value === 'number' && value === lit.value;
    case 'bool':
      return typeof value === 'boolean' && value === lit.value;
    case 'string':
      if (typeof value === 'string') return value === lit.value;
      if (value instanceof Uint8Array) {
        const b = stringBytes(lit.value);
        return b !== undefined && compareBytes(value, b) === 0;
      }
      return false;
    case 'binary':
      if (value instanceof Uint8Array) return compareBytes(value, lit.value) === 0;
      if (typeof value === 'string') {
        const b = stringBytes(value);
        return b !== undefined && compareBytes(b, lit.value) === 0;
      }
      return false;
    case 'timestamp':
      return typeof value === 'string' && observedTimestamp(value) === lit.value;
  }
}

/** <0, 0, >0, or undefined when the two cannot be ordered. */
function order(value: ObservedValue, lit: PatternLiteral): number | undefined {
  switch (lit.kind) {
    case 'int':
    case 'float':
      return typeof value === 'number' ? value - lit.value : undefined;
    case 'string':
      if (typeof value === 'string') return compareStrings(value, lit.value);
      if (value instanceof Uint8Array) {
        const b = stringBytes(lit.value);
        return b === undefined ? undefined : compareBytes(value, b);
      }
      return undefined;
    case 'binary':
      if (value instanceof Uint8Array) return compareBytes(value, lit.value);
      if (typeof value === 'string') {
        const b = stringBytes(value);
        return b === undefined ? undefined : compareBytes(b, lit.value);
      }
      return undefined;
    case 'timestamp':
      return typeof value === 'string' ? compareStrings(observedTimestamp(value), lit.value) : undefined;
    case 'bool':
      return undefined;
  }
}
