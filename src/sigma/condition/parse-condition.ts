import { ConditionError, type ConditionNode } from './condition-node.js';
import { tokenizeCondition, type ConditionToken } from './tokenize-condition.js';

/**
 * Parses a Sigma condition with the spec's precedence (`not` binds tighter than `and`, which binds
 * tighter than `or`; parentheses group) and resolves `1 of x*`, `all of x*`, `any of`, `them`
 * against the rule's search identifiers. `them` leaves out identifiers starting with `_`.
 * @param identifiers the search identifiers defined in `detection`
 * @throws ConditionError with a 1-based column on a syntax error or an unknown identifier
 */
export function parseCondition(text: string, identifiers: readonly string[]): ConditionNode {
  const tokens = tokenizeCondition(text);
  let pos = 0;
  // Rules are untrusted: bound the nesting so compiling and matching cannot exhaust the stack.
  let depth = 0;
  const maxDepth = 200;
  const known = new Set(identifiers);
  const peek = (): ConditionToken | undefined => tokens[pos];
  const col = (t: ConditionToken | undefined): number => (t ? t.offset + 1 : text.length + 1);
  const fail = (msg: string, t: ConditionToken | undefined): never => {
    throw new ConditionError(msg, col(t));
  };

  const parseOr = (): ConditionNode => {
    const items = [parseAnd()];
    while (peek()?.kind === 'or') {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { type: 'or', items: items.slice() }; // exact size, kept with the rule
  };
  const parseAnd = (): ConditionNode => {
    const items = [parseNot()];
    while (peek()?.kind === 'and') {
      pos++;
      items.push(parseNot());
    }
    return items.length === 1 ? items[0]! : { type: 'and', items: items.slice() };
  };
  const parseNot = (): ConditionNode => {
    if (++depth > maxDepth) fail(`condition nests deeper than ${maxDepth} levels`, peek());
    try {
      if (peek()?.kind === 'not') {
        pos++;
        return { type: 'not', item: parseNot() };
      }
      return parseAtom();
    } finally {
      depth--;
    }
  };
  const parseAtom = (): ConditionNode => {
    const t = peek();
    if (!t) return fail('condition ends where an identifier or "(" was expected', t);
    if (t.kind === 'lparen') {
      pos++;
      const inner = parseOr();
      if (peek()?.kind !== 'rparen') fail('missing ")"', peek());
      pos++;
      return inner;
    }
    if (t.kind !== 'word') return fail(`unexpected "${t.text}"`, t);
    pos++;
    if (peek()?.kind === 'of') {
      pos++;
      return parseOf(t);
    }
    if (!known.has(t.text)) fail(`unknown search identifier "${t.text}"`, t);
    return { type: 'id', name: t.text };
  };
  const parseOf = (quant: ConditionToken): ConditionNode => {
    const q = quant.text.toLowerCase();
    let count: number | 'all';
    if (q === 'all') count = 'all';
    else if (q === 'any') count = 1;
    else if (/^[1-9]\d*$/.test(q)) count = Number(q);
    else return fail(`"${quant.text} of": expected 1, any or all`, quant);
    const target = peek();
    if (!target || target.kind !== 'word') return fail('"of" must be followed by an identifier pattern or "them"', target);
    pos++;
    const names = target.text === 'them' ? identifiers.filter((n) => !n.startsWith('_')) : matching(target.text, identifiers);
    if (names.length === 0) fail(`"${target.text}" matches no search identifier`, target);
    return { type: 'of', count, names: names.slice() }; // `filter` over-allocates
  };

  const root = parseOr();
  if (pos < tokens.length) fail(`unexpected "${tokens[pos]!.text}"`, tokens[pos]);
  return root;
}

function matching(pattern: string, identifiers: readonly string[]): string[] {
  if (!pattern.includes('*')) return identifiers.filter((n) => n === pattern);
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return identifiers.filter((n) => re.test(n));
}
