import type { ObservationExpression } from './pattern-ast.js';
import { EvaluationError } from './compare-values.js';
import { BudgetExceeded, either, filter, pairs, repeats, disjoint, SearchBudget, type Binding } from './observation-bindings.js';
import { timestampMillis } from './pattern-literals.js';

/** What the observation operators need of an observation: its time span and multiplicity. */
export interface TimedObservation {
  first: number;
  last: number;
  count: number;
}

export type ObservationLeaf = Extract<ObservationExpression, { kind: 'observation' }>;

/**
 * The observations of the first binding of `root` over `obs` (indexes, ascending), or undefined
 * when the pattern does not match. `leafMatches` says whether a bracketed observation expression
 * holds on an observation: the batch matcher evaluates SCOs, the live window remembers results.
 */
export function firstBinding(root: ObservationExpression, obs: readonly TimedObservation[], leafMatches: (leaf: ObservationLeaf, index: number) => boolean, searchBudget = 1_000_000): number[] | undefined {
  const width = bindingWidth(root);
  const budget = new SearchBudget(searchBudget);
  let first: IteratorResult<Binding>;
  try {
    first = streamOf(root, obs, width, leafMatches, budget).next();
  } catch (e) {
    if (e instanceof BudgetExceeded) throw new EvaluationError(e.message);
    throw e;
  }
  if (first.done) return undefined;
  return [...new Set(first.value.map((i) => Math.floor(i / width)))].sort((a, b) => a - b);
}

/** Most instances a binding can hold: REPEATS multiplies, everything else adds. */
export function bindingWidth(o: ObservationExpression): number {
  switch (o.kind) {
    case 'observation':
      return 1;
    case 'group':
      return bindingWidth(o.inner);
    case 'qualified':
      return bindingWidth(o.inner) * (o.qualifier.kind === 'repeats' ? o.qualifier.times : 1);
    default:
      return bindingWidth(o.left) + bindingWidth(o.right);
  }
}

function streamOf(o: ObservationExpression, obs: readonly TimedObservation[], width: number, leafMatches: (leaf: ObservationLeaf, index: number) => boolean, budget: SearchBudget): Iterator<Binding> {
  const interval = (b: Binding, pick: 'first' | 'last', agg: (a: number, b: number) => number): number => {
    let acc = obs[Math.floor(b[0]! / width)]![pick];
    for (const i of b) acc = agg(acc, obs[Math.floor(i / width)]![pick]);
    return acc;
  };
  switch (o.kind) {
    case 'observation': {
      return (function* () {
        for (let i = 0; i < obs.length; i++) {
          if (!leafMatches(o, i)) continue;
          // An observation seen n times is n instances; a binding never needs more than `width`.
          for (let k = 0; k < Math.min(obs[i]!.count, width); k++) yield [i * width + k];
        }
      })();
    }
    case 'group':
      return streamOf(o.inner, obs, width, leafMatches, budget);
    case 'and':
      return pairs(streamOf(o.left, obs, width, leafMatches, budget), streamOf(o.right, obs, width, leafMatches, budget), disjoint);
    case 'or':
      return either(streamOf(o.left, obs, width, leafMatches, budget), streamOf(o.right, obs, width, leafMatches, budget));
    case 'followedby':
      // Latest possible start on the left no later than the earliest possible end on the right.
      return pairs(streamOf(o.left, obs, width, leafMatches, budget), streamOf(o.right, obs, width, leafMatches, budget), (l, r) => disjoint(l, r) && interval(l, 'first', Math.max) <= interval(r, 'last', Math.min));
    case 'qualified': {
      const inner = streamOf(o.inner, obs, width, leafMatches, budget);
      const q = o.qualifier;
      if (q.kind === 'repeats') return repeats(inner, q.times, budget);
      if (q.kind === 'within') {
        const span = q.seconds * 1000;
        if (!(span > 0)) throw new EvaluationError(`WITHIN must be positive, got ${q.seconds}`);
        // A window of `span` starting at the earliest last_observed reaches every interval iff any window does.
        return filter(inner, (b) => {
          const start = interval(b, 'last', Math.min);
          return b.every((i) => obs[Math.floor(i / width)]!.first <= start + span);
        });
      }
      const start = timestampMillis(q.start);
      const stop = timestampMillis(q.stop);
      // START is inclusive and STOP exclusive: an observation may touch START but not begin at STOP.
      const inside = (ob: TimedObservation): boolean => ob.first !== stop && ob.first <= stop && start <= ob.last && !(ob.first === ob.last && ob.first === stop);
      return start < stop ? filter(inner, (b) => b.every((i) => inside(obs[Math.floor(i / width)]!))) : filter(inner, () => false);
    }
  }
}
