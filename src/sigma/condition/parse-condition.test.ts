import { describe, expect, it } from 'vitest';
import { ConditionError, type ConditionNode } from './condition-node.js';
import { parseCondition } from './parse-condition.js';

/** Evaluates a parsed condition with the given identifiers true. */
function holds(node: ConditionNode, truth: Set<string>): boolean {
  switch (node.type) {
    case 'id':
      return truth.has(node.name);
    case 'not':
      return !holds(node.item, truth);
    case 'and':
      return node.items.every((n) => holds(n, truth));
    case 'or':
      return node.items.some((n) => holds(n, truth));
    case 'of': {
      const n = node.names.filter((x) => truth.has(x)).length;
      return node.count === 'all' ? n === node.names.length : n >= node.count;
    }
  }
}

const ids = ['a', 'b', 'c', 'sel_1', 'sel_2', 'filter_x', '_hidden'];

describe('parseCondition', () => {
  it('binds not tighter than and, and tighter than or', () => {
    expect(parseCondition('a or b and c', ids)).toEqual({
      type: 'or',
      items: [{ type: 'id', name: 'a' }, { type: 'and', items: [{ type: 'id', name: 'b' }, { type: 'id', name: 'c' }] }],
    });
    const n = parseCondition('not a and b', ids);
    expect(holds(n, new Set(['b']))).toBe(true);
    expect(holds(n, new Set(['a', 'b']))).toBe(false);
    expect(holds(parseCondition('not (a and b)', ids), new Set(['a']))).toBe(true);
    expect(holds(parseCondition('(a or b) and c', ids), new Set(['a']))).toBe(false);
    expect(holds(parseCondition('a or b and c', ids), new Set(['a']))).toBe(true);
    expect(holds(parseCondition('not not a', ids), new Set(['a']))).toBe(true);
  });

  it('resolves 1 of / any of / all of with wildcards, and them without _ identifiers', () => {
    expect(parseCondition('1 of sel_*', ids)).toEqual({ type: 'of', count: 1, names: ['sel_1', 'sel_2'] });
    expect(parseCondition('any of sel*', ids)).toEqual({ type: 'of', count: 1, names: ['sel_1', 'sel_2'] });
    expect(parseCondition('all of them', ids)).toEqual({ type: 'of', count: 'all', names: ids.filter((i) => i !== '_hidden') });
    const n = parseCondition('all of sel_* and not 1 of filter_*', ids);
    expect(holds(n, new Set(['sel_1', 'sel_2']))).toBe(true);
    expect(holds(n, new Set(['sel_1']))).toBe(false);
    expect(holds(n, new Set(['sel_1', 'sel_2', 'filter_x']))).toBe(false);
    expect(parseCondition('a AND b', ids)).toEqual({ type: 'and', items: [{ type: 'id', name: 'a' }, { type: 'id', name: 'b' }] });
  });

  it('reports errors with a 1-based column', () => {
    const err = (text: string): ConditionError => {
      try {
        parseCondition(text, ids);
      } catch (e) {
        return e as ConditionError;
      }
      throw new Error('no error');
    };
    expect(err('a and zz').column).toBe(7);
    expect(err('a and zz').message).toMatch(/unknown search identifier "zz"/);
    expect(err('(a or b').message).toMatch(/missing "\)"/);
    expect(err('a b').column).toBe(3);
    expect(err('1 of nomatch*').message).toMatch(/matches no search identifier/);
    expect(err('a | count() > 5').column).toBe(3);
    expect(err('a and').message).toMatch(/ends/);
    expect(err('2x of them').column).toBe(1);
    expect(err('not '.repeat(500) + 'a').message).toMatch(/nests deeper/);
    expect(err('('.repeat(500) + 'a' + ')'.repeat(500)).message).toMatch(/nests deeper/);
    expect(parseCondition('not '.repeat(150) + 'a', ids)).toBeDefined();
  });
});
