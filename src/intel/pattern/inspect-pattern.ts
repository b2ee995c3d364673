import type { ComparisonExpression, ObservationExpression, PatternAst } from './pattern-ast.js';

/** A comparison as the OASIS inspector reports it: path steps (`'*'` for `[*]`), operator, literal text. */
export type InspectedComparison = [steps: Array<string | number>, operator: string, literal: string];

/** What a pattern is made of, for display and for choosing how to serve it. */
export interface PatternInspection {
  /** Qualifier spellings, sorted, each once. */
  qualifiers: string[];
  /** Observation operators used (AND, OR, FOLLOWEDBY), sorted, each once. */
  observationOps: string[];
  /** Comparisons per object type, in pattern order. */
  comparisons: Record<string, InspectedComparison[]>;
}

/**
 * Summarises a parsed pattern the way the OASIS pattern inspector does (its test vectors are
 * in ../shared/testdata/stix-patterns/patterns.json, groups `inspector_*`).
 */
export function inspectPattern(ast: PatternAst): PatternInspection {
  const qualifiers = new Set<string>();
  const ops = new Set<string>();
  const comparisons: Record<string, InspectedComparison[]> = {};
  const comparison = (c: ComparisonExpression): void => {
    if (c.kind === 'and' || c.kind === 'or') {
      comparison(c.left);
      comparison(c.right);
      return;
    }
    const steps = c.path.steps.map((s) => (s.kind === 'key' ? s.key : s.kind === 'index' ? s.index : '*'));
    const entry: InspectedComparison =
      c.kind === 'exists' ? [steps, c.negated ? 'NOT EXISTS' : 'EXISTS', ''] : [steps, (c.negated ? 'NOT ' : '') + c.operator, c.valueText];
    (comparisons[c.path.objectType] ??= []).push(entry);
  };
  const observation = (o: ObservationExpression): void => {
    switch (o.kind) {
      case 'observation':
        return comparison(o.comparison);
      case 'group':
        return observation(o.inner);
      case 'qualified':
        qualifiers.add(o.qualifier.text);
        return observation(o.inner);
      default:
        ops.add(o.kind.toUpperCase());
        observation(o.left);
        observation(o.right);
    }
  };
  observation(ast.root);
  return { qualifiers: [...qualifiers].sort(), observationOps: [...ops].sort(), comparisons };
}
