import { ConditionError } from './condition-node.js';

/** A condition token with its 0-based offset. */
export interface ConditionToken {
  kind: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'of' | 'word';
  text: string;
  offset: number;
}

const keywords: Record<string, ConditionToken['kind']> = { and: 'and', or: 'or', not: 'not', of: 'of' };

/**
 * Splits a condition into tokens. Keywords are case-insensitive; anything else that is not
 * whitespace or a parenthesis is a word (identifier, pattern, number, `them`, `all`, `any`).
 * @throws ConditionError at a `|` (v1 aggregations are correlation rules in Sigma v2)
 */
export function tokenizeCondition(text: string): ConditionToken[] {
  const out: ConditionToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ kind: c === '(' ? 'lparen' : 'rparen', text: c, offset: i });
      i++;
    } else if (c === '|') {
      throw new ConditionError('aggregation expressions ("| count() ...") are not Sigma v2: use a correlation rule', i + 1);
    } else {
      const start = i;
      while (i < text.length && !/[\s()|]/.test(text[i]!)) i++;
      const word = text.slice(start, i);
      out.push({ kind: keywords[word.toLowerCase()] ?? 'word', text: word, offset: start });
    }
  }
  return out;
}
