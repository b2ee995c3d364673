import type { ComparisonExpression, ComparisonOperator, ObjectPath, ObservationExpression, PathStep, PatternAst, PatternLiteral, Qualifier } from './pattern-ast.js';
import { PatternError } from './pattern-error.js';
import { tokenizePattern, type Token, type TokenKind } from './pattern-lexer.js';
import { literalOf, normalizeTimestamp, unquoteString } from './pattern-literals.js';

const orderable: TokenKind[] = ['IntPos', 'IntNeg', 'FloatPos', 'FloatNeg', 'String', 'Binary', 'Hex', 'Timestamp'];
const primitive: TokenKind[] = [...orderable, 'Bool'];
const operatorOf: Partial<Record<TokenKind, ComparisonOperator>> = {
  EQ: '=', NEQ: '!=', GT: '>', LT: '<', GE: '>=', LE: '<=', IN: 'IN', LIKE: 'LIKE', MATCHES: 'MATCHES', ISSUBSET: 'ISSUBSET', ISSUPERSET: 'ISSUPERSET',
};
/** Nesting bound: a hostile peer must not overflow the stack with `((((…`. */
const maxDepth = 200;
/**
 * AND/OR chains become left-deep trees that later phases walk recursively, so their length is
 * bounded too (a 10,000-term OR overflowed the stack). Large value lists belong in `IN (…)`,
 * which is one comparison whatever its size.
 */
const maxComparisons = 4000;
const maxObservations = 400;

/**
 * Parses a STIX 2.1 pattern by recursive descent over the OASIS grammar (STIXPattern.g4);
 * the grammar's left-recursive rules become loops, which keeps AND above OR above FOLLOWEDBY,
 * all left-associative. Syntax only: spec rules beyond the grammar are {@link validatePattern}'s.
 *
 * @throws PatternError (phase `syntax`) with offset, line and column.
 * @example parsePattern("[ipv4-addr:value = '198.51.100.1']").root.kind // 'observation'
 */
export function parsePattern(source: string, options: ParsePatternOptions = {}): PatternAst {
  return { source, root: new PatternParser(source, options).parse() };
}

export interface ParsePatternOptions {
  /** STIX 2.0 grammar differences: `START '…' STOP '…'` take string literals. */
  stixVersion?: '2.0' | '2.1';
}

class PatternParser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;
  private comparisons = 0;
  private observations = 0;
  constructor(
    private readonly source: string,
    private readonly options: ParsePatternOptions,
  ) {
    this.tokens = tokenizePattern(source);
  }

  parse(): ObservationExpression {
    const first = this.peek();
    if (first.kind !== 'LBRACK' && first.kind !== 'LPAREN') {
      this.fail(first, first.kind === 'EOF' ? 'empty pattern' : `input is missing square brackets: expected '[' or '(' but found ${this.describe(first)}`);
    }
    const root = this.observationExpressions();
    const end = this.peek();
    if (end.kind !== 'EOF') this.fail(end, `unexpected ${this.describe(end)}; expected AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern`);
    return root;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }
  private next(): Token {
    return this.tokens[this.pos++]!;
  }
  private accept(kind: TokenKind): Token | undefined {
    return this.peek().kind === kind ? this.next() : undefined;
  }
  private expect(kinds: TokenKind | TokenKind[], what: string): Token {
    const t = this.peek();
    const list = Array.isArray(kinds) ? kinds : [kinds];
    if (!list.includes(t.kind)) this.fail(t, `expected ${what} but found ${this.describe(t)}`);
    return this.next();
  }
  private describe(t: Token): string {
    if (t.kind === 'EOF') return 'the end of the pattern';
    if ((t.kind === 'Ident' || t.kind === 'IdentHyphen') && /^[thb]$/.test(t.text) && this.source[t.offset + 1] === "'") {
      const kind = t.text === 't' ? 'timestamp' : t.text === 'h' ? 'hex' : 'base64 binary';
      return `a malformed ${kind} literal`;
    }
    return `'${t.text}'`;
  }
  private fail(t: Token, reason: string): never {
    throw new PatternError('syntax', reason, this.source, t.offset);
  }
  private enter(t: Token): void {
    if (++this.depth > maxDepth) this.fail(t, `nesting deeper than ${maxDepth}`);
  }

  private observationExpressions(): ObservationExpression {
    let left = this.observationOr();
    while (this.peek().kind === 'FOLLOWEDBY') {
      const op = this.next();
      left = { kind: 'followedby', left, right: this.observationOr(), offset: op.offset };
    }
    return left;
  }
  private observationOr(): ObservationExpression {
    let left = this.observationAnd();
    while (this.peek().kind === 'OR') {
      const op = this.next();
      left = { kind: 'or', left, right: this.observationAnd(), offset: op.offset };
    }
    return left;
  }
  private observationAnd(): ObservationExpression {
    let left = this.observationQualified();
    while (this.peek().kind === 'AND') {
      const op = this.next();
      left = { kind: 'and', left, right: this.observationQualified(), offset: op.offset };
    }
    return left;
  }
  private observationQualified(): ObservationExpression {
    const open = this.expect(['LBRACK', 'LPAREN'], "'[' or '('");
    this.enter(open);
    if (open.kind === 'LBRACK' && ++this.observations > maxObservations) this.fail(open, `more than ${maxObservations} observation expressions`);
    let expr: ObservationExpression;
    if (open.kind === 'LBRACK') {
      const comparison = this.comparisonOr();
      this.expect('RBRACK', "']', AND or OR");
      expr = { kind: 'observation', comparison, offset: open.offset };
    } else {
      const inner = this.observationExpressions();
      this.expect('RPAREN', "')'");
      expr = { kind: 'group', inner, offset: open.offset };
    }
    this.depth--;
    for (let q = this.qualifier(); q; q = this.qualifier()) expr = { kind: 'qualified', inner: expr, qualifier: q, offset: q.offset };
    return expr;
  }
  private qualifier(): Qualifier | undefined {
    const t = this.peek();
    if (t.kind === 'WITHIN') {
      this.next();
      const n = this.expect(['IntPos', 'FloatPos'], 'a positive number of seconds');
      this.expect('SECONDS', "'SECONDS'");
      return { kind: 'within', seconds: Number(n.text), offset: t.offset, text: `WITHIN ${n.text} SECONDS` };
    }
    if (t.kind === 'REPEATS') {
      this.next();
      const n = this.expect('IntPos', 'a positive integer');
      this.expect('TIMES', "'TIMES'");
      return { kind: 'repeats', times: Number(n.text), offset: t.offset, text: `REPEATS ${n.text} TIMES` };
    }
    if (t.kind === 'START') {
      this.next();
      const kinds: TokenKind[] = this.options.stixVersion === '2.0' ? ['String'] : ['Timestamp'];
      const what = this.options.stixVersion === '2.0' ? "a timestamp string '…'" : "a timestamp literal t'…'";
      const start = this.expect(kinds, what);
      this.expect('STOP', "'STOP'");
      const stop = this.expect(kinds, what);
      const value = (tok: Token): string => {
        if (tok.kind === 'Timestamp') return (literalOf(tok) as { value: string }).value;
        const ts = normalizeTimestamp(unquoteString(tok.text));
        return ts ?? this.fail(tok, `'${unquoteString(tok.text)}' is not a STIX timestamp`);
      };
      return { kind: 'startstop', start: value(start), stop: value(stop), offset: t.offset, text: `START ${start.text} STOP ${stop.text}` };
    }
    return undefined;
  }

  private comparisonOr(): ComparisonExpression {
    let left = this.comparisonAnd();
    while (this.peek().kind === 'OR') {
      const op = this.next();
      left = { kind: 'or', left, right: this.comparisonAnd(), offset: op.offset };
    }
    return left;
  }
  private comparisonAnd(): ComparisonExpression {
    let left = this.propTest();
    while (this.peek().kind === 'AND') {
      const op = this.next();
      left = { kind: 'and', left, right: this.propTest(), offset: op.offset };
    }
    return left;
  }
  private propTest(): ComparisonExpression {
    const t = this.peek();
    if (t.kind === 'LPAREN') {
      this.next();
      this.enter(t);
      const inner = this.comparisonOr();
      this.expect('RPAREN', "')'");
      this.depth--;
      return inner;
    }
    if (t.kind === 'EXISTS' || (t.kind === 'NOT' && this.tokens[this.pos + 1]?.kind === 'EXISTS')) {
      const negated = !!this.accept('NOT');
      this.next();
      if (++this.comparisons > maxComparisons) this.fail(t, `more than ${maxComparisons} comparisons`);
      return { kind: 'exists', path: this.objectPath(), negated, offset: t.offset };
    }
    if (++this.comparisons > maxComparisons) this.fail(t, `more than ${maxComparisons} comparisons (use IN (…) for long value lists)`);
    const path = this.objectPath();
    const negated = !!this.accept('NOT');
    const opToken = this.peek();
    const operator = operatorOf[opToken.kind];
    if (!operator) this.fail(opToken, `expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET) but found ${this.describe(opToken)}`);
    this.next();
    const valueToken = this.peek();
    let value: PatternLiteral | PatternLiteral[];
    if (operator === 'IN') value = this.setLiteral();
    else if (operator === '=' || operator === '!=') value = literalOf(this.expect(primitive, 'a literal value'));
    else if (operator === '<' || operator === '>' || operator === '<=' || operator === '>=') value = literalOf(this.expect(orderable, 'an orderable literal (number, string, binary or timestamp)'));
    else value = literalOf(this.expect('String', `a string literal after ${operator}`));
    const last = this.tokens[this.pos - 1]!;
    const valueText = this.source.slice(valueToken.offset, last.offset + last.text.length);
    return { kind: 'compare', path, operator, negated, value, valueOffset: valueToken.offset, valueText, offset: path.offset };
  }
  private setLiteral(): PatternLiteral[] {
    this.expect('LPAREN', "'(' opening a set");
    const values: PatternLiteral[] = [];
    if (this.accept('RPAREN')) return values;
    do values.push(literalOf(this.expect(primitive, 'a literal value in the set')));
    while (this.accept('COMMA'));
    this.expect('RPAREN', "',' or ')' in the set");
    return values;
  }
  private objectPath(): ObjectPath {
    const type = this.expect(['Ident', 'IdentHyphen'], 'an object type');
    this.expect('COLON', "':' after the object type");
    const first = this.peek();
    if (first.kind === 'IdentHyphen') this.fail(first, `property name '${first.text}' contains a hyphen and must be quoted`);
    const firstKey = this.expect(['Ident', 'String'], 'a property name');
    const steps: PathStep[] = [{ kind: 'key', key: keyOf(firstKey) }];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'DOT') {
        this.next();
        const k = this.peek();
        if (k.kind === 'IdentHyphen') this.fail(k, `property name '${k.text}' contains a hyphen and must be quoted`);
        steps.push({ kind: 'key', key: keyOf(this.expect(['Ident', 'String'], 'a property name after .')) });
      } else if (t.kind === 'LBRACK' && this.isIndexStep()) {
        this.next();
        const i = this.next();
        this.next();
        steps.push(i.kind === 'ASTERISK' ? { kind: 'any' } : { kind: 'index', index: Number(i.text) });
      } else if (t.kind === 'FloatPos' && t.text.startsWith('.')) {
        this.fail(t, `property name expected after '.', found '${t.text.slice(1)}'`);
      } else break;
    }
    return { objectType: type.text, steps, offset: type.offset };
  }
  private isIndexStep(): boolean {
    const i = this.tokens[this.pos + 1];
    const close = this.tokens[this.pos + 2];
    return !!i && (i.kind === 'IntPos' || i.kind === 'IntNeg' || i.kind === 'ASTERISK') && close?.kind === 'RBRACK';
  }
}

function keyOf(t: Token): string {
  return t.kind === 'String' ? unquoteString(t.text) : t.text;
}
