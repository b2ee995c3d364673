import { PatternError } from './pattern-error.js';

/** Token kinds of the STIX pattern grammar (STIXPattern.g4), plus EOF. */
export type TokenKind =
  | 'IntPos' | 'IntNeg' | 'FloatPos' | 'FloatNeg' | 'Hex' | 'Binary' | 'String' | 'Bool' | 'Timestamp'
  | 'AND' | 'OR' | 'NOT' | 'FOLLOWEDBY' | 'LIKE' | 'MATCHES' | 'ISSUPERSET' | 'ISSUBSET' | 'EXISTS' | 'LAST'
  | 'IN' | 'START' | 'STOP' | 'SECONDS' | 'WITHIN' | 'REPEATS' | 'TIMES'
  | 'Ident' | 'IdentHyphen'
  | 'EQ' | 'NEQ' | 'LT' | 'LE' | 'GT' | 'GE'
  | 'QUOTE' | 'COLON' | 'DOT' | 'COMMA' | 'RPAREN' | 'LPAREN' | 'RBRACK' | 'LBRACK' | 'PLUS' | 'MINUS' | 'POWER' | 'DIVIDE' | 'ASTERISK'
  | 'Invalid' | 'EOF';

export interface Token {
  kind: TokenKind;
  text: string;
  offset: number;
}

const keywords = new Set<TokenKind>([
  'AND', 'OR', 'NOT', 'FOLLOWEDBY', 'LIKE', 'MATCHES', 'ISSUPERSET', 'ISSUBSET', 'EXISTS', 'LAST',
  'IN', 'START', 'STOP', 'SECONDS', 'WITHIN', 'REPEATS', 'TIMES',
]);

// Anchored (sticky) regexes for the multi-character lexer rules. ANTLR picks the longest match
// and, on a tie, the rule defined first; `rules` keeps the grammar's order for that reason.
const two = '[0-9A-Fa-f]{2}';
const b64 = '[A-Za-z0-9+/]';
const rules: Array<[TokenKind, RegExp]> = [
  ['IntNeg', /-(?:0|[1-9][0-9]*)/y],
  ['IntPos', /\+?(?:0|[1-9][0-9]*)/y],
  ['FloatNeg', /-[0-9]*\.[0-9]+/y],
  ['FloatPos', /\+?[0-9]*\.[0-9]+/y],
  ['Hex', new RegExp(`h'(?:${two})*'`, 'y')],
  ['Binary', new RegExp(`b'(?:${b64}{4})*(?:${b64}{4}|${b64}{3}=|${b64}{2}==)'`, 'y')],
  ['String', /'(?:[^'\\]|\\'|\\\\)*'/y],
  ['Bool', /true|false/y],
  ['Timestamp', /t'[0-9]{4}-(?:0[1-9]|1[012])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]+)?Z'/y],
  ['Ident', /[a-zA-Z_][a-zA-Z0-9_]*/y],
  ['IdentHyphen', /[a-zA-Z_][a-zA-Z0-9_-]*/y],
  ['EQ', /==?/y],
  ['NEQ', /!=|<>/y],
  ['LE', /<=/y],
  ['GE', />=/y],
];
const rulesNamed = (...kinds: TokenKind[]): Array<[TokenKind, RegExp]> => rules.filter(([k]) => kinds.includes(k));
const numberRules = rulesNamed('IntNeg', 'IntPos', 'FloatNeg', 'FloatPos');
const identRules = rulesNamed('Ident', 'IdentHyphen');
const firstCharRules: Record<string, Array<[TokenKind, RegExp]>> = {
  h: rulesNamed('Hex', 'Ident', 'IdentHyphen'),
  b: rulesNamed('Binary', 'Ident', 'IdentHyphen'),
  t: rulesNamed('Bool', 'Timestamp', 'Ident', 'IdentHyphen'),
  f: rulesNamed('Bool', 'Ident', 'IdentHyphen'),
  "'": rulesNamed('String'),
  '=': rulesNamed('EQ'),
  '!': rulesNamed('NEQ'),
  '<': rulesNamed('NEQ', 'LE'),
  '>': rulesNamed('GE'),
};

/** Only the rules that can start with this character: the lexer runs on a million indicators at load. */
function candidatesFor(c: number): Array<[TokenKind, RegExp]> {
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) return numberRules;
  const listed = firstCharRules[String.fromCharCode(c)];
  if (listed) return listed;
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ? identRules : [];
}

const single: Record<string, TokenKind> = {
  '<': 'LT', '>': 'GT', "'": 'QUOTE', ':': 'COLON', '.': 'DOT', ',': 'COMMA', ')': 'RPAREN', '(': 'LPAREN',
  ']': 'RBRACK', '[': 'LBRACK', '+': 'PLUS', '-': 'MINUS', '^': 'POWER', '/': 'DIVIDE', '*': 'ASTERISK',
};
// The grammar's WS set, vertical tab and form feed included.
// eslint-disable-next-line no-control-regex
const whitespace = /[ \t\r\n\u000B\u000C\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/y;

/**
 * Splits a pattern into tokens the way the OASIS ANTLR lexer does (longest match, keywords
 * case-sensitive, comments and whitespace skipped). An unterminated comment or string is an error
 * here; anything else odd becomes a token the parser rejects with its position.
 */
export function tokenizePattern(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    whitespace.lastIndex = pos;
    if (whitespace.test(source)) {
      pos = whitespace.lastIndex;
      continue;
    }
    if (source.startsWith('/*', pos)) {
      const end = source.indexOf('*/', pos + 2);
      if (end < 0) throw new PatternError('syntax', 'unterminated comment', source, pos);
      pos = end + 2;
      continue;
    }
    if (source.startsWith('//', pos)) {
      while (pos < source.length && source[pos] !== '\n' && source[pos] !== '\r') pos++;
      continue;
    }
    let best: Token | undefined;
    for (const [kind, re] of candidatesFor(source.charCodeAt(pos))) {
      re.lastIndex = pos;
      const m = re.exec(source);
      if (m && (!best || m[0].length > best.text.length)) best = { kind, text: m[0], offset: pos };
    }
    if (best && (best.kind === 'Ident' || best.kind === 'IdentHyphen') && keywords.has(best.text as TokenKind)) {
      best = { kind: best.text as TokenKind, text: best.text, offset: pos };
    }
    if (!best) {
      const ch = source[pos]!;
      if (ch === "'") throw new PatternError('syntax', stringProblem(source, pos), source, pos);
      best = { kind: single[ch] ?? 'Invalid', text: ch, offset: pos };
    }
    tokens.push(best);
    pos += best.text.length;
  }
  tokens.push({ kind: 'EOF', text: '<EOF>', offset: source.length });
  return tokens;
}

/** Why a quote did not open a valid string literal: the grammar allows only \' and \\ escapes. */
function stringProblem(source: string, start: number): string {
  for (let i = start + 1; i < source.length; i++) {
    const c = source[i];
    if (c === "'") return 'invalid string literal';
    if (c === '\\') {
      const next = source[i + 1];
      if (next !== "'" && next !== '\\') return `invalid escape '\\${next ?? ''}' in string literal (only \\' and \\\\ are allowed)`;
      i++;
    }
  }
  return 'unterminated string literal';
}
