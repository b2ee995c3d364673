import type { ObservationExpression, PatternAst } from './pattern-ast.js';
import { EvaluationError } from './compare-values.js';
import { ComparisonEvaluator, type ObservationScope } from './evaluate-comparison.js';
import { either, filter, pairs, repeats, disjoint, type Binding } from './observation-bindings.js';
import { PatternError } from './pattern-error.js';
import { parsePattern } from './pattern-parser.js';
import { normalizeTimestamp, timestampMillis } from './pattern-literals.js';
import { validatePattern } from './validate-pattern.js';

type Json = Record<string, unknown>;

interface Observation {
  sdo: Json;
  first: number;
  last: number;
  count: number;
  scope: ObservationScope;
}

/** The outcome: whether the pattern matched, and the observed-data of the first binding found. */
export interface ObservedDataMatch {
  matched: boolean;
  observedData: Json[];
}

export interface MatchObservedDataOptions {
  /** '2.0' skips the 2.1 validator rules (as the OASIS matcher does) and reads `objects` maps. */
  stixVersion?: '2.0' | '2.1';
}

/**
 * Evaluates a STIX pattern over a stream of observations: STIX 2.1 bundles (observed-data whose
 * `object_refs` name SCOs in the same bundle), observed-data objects themselves, or 2.0-style
 * observed-data with an embedded `objects` map. Each observed-data counts `number_observed`
 * times; WITHIN, START/STOP and FOLLOWEDBY use `first_observed`/`last_observed`, choosing for
 * each observation the instant that best satisfies the constraint, as the spec allows.
 *
 * @throws PatternError: `syntax`/`semantic` for a bad pattern, `evaluation` for data the
 * pattern cannot be compared with (a malformed timestamp, an invalid `number_observed`).
 */
export function matchObservedData(pattern: string | PatternAst, observations: readonly unknown[], options: MatchObservedDataOptions = {}): ObservedDataMatch {
  const ast = typeof pattern !== 'string' ? pattern : options.stixVersion === '2.0' ? parsePattern(pattern) : validatePattern(pattern);
  try {
    const obs = collectObservations(observations);
    const width = bindingWidth(ast.root);
    const bindings = streamOf(ast.root, obs, width);
    const first = bindings.next();
    if (first.done) return { matched: false, observedData: [] };
    const indexes = [...new Set(first.value.map((i) => Math.floor(i / width)))].sort((a, b) => a - b);
    return { matched: true, observedData: indexes.map((i) => obs[i]!.sdo) };
  } catch (e) {
    if (e instanceof EvaluationError) throw new PatternError('evaluation', e.message, ast.source, 0);
    throw e;
  }
}

function collectObservations(items: readonly unknown[]): Observation[] {
  const out: Observation[] = [];
  const loose = new Map<string, Json>();
  const looseSdos: Json[] = [];
  const add = (sdo: Json, objects: Map<string, Json>): void => {
    const embedded = sdo.objects;
    let scope: ObservationScope;
    if (embedded && typeof embedded === 'object' && Object.keys(embedded).length > 0) {
      const map = new Map(Object.entries(embedded as Record<string, Json>));
      scope = { objects: map, roots: [...map.keys()] };
    } else {
      const refs = Array.isArray(sdo.object_refs) ? (sdo.object_refs as unknown[]).filter((r): r is string => typeof r === 'string' && objects.has(r)) : [];
      scope = { objects, roots: refs };
    }
    const count = sdo.number_observed;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new EvaluationError(`observed-data number_observed must be an integer >= 1, got ${String(count)}`);
    out.push({ sdo, first: time(sdo.first_observed), last: time(sdo.last_observed), count, scope });
  };
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const obj = item as Json;
    if (obj.type === 'bundle' && Array.isArray(obj.objects)) {
      const objects = new Map<string, Json>();
      for (const o of obj.objects as Json[]) if (o && typeof o.id === 'string') objects.set(o.id, o);
      for (const o of obj.objects as Json[]) if (o?.type === 'observed-data') add(o, objects);
    } else if (obj.type === 'observed-data') looseSdos.push(obj);
    else if (typeof obj.id === 'string') loose.set(obj.id, obj);
  }
  for (const sdo of looseSdos) add(sdo, loose);
  return out;
}

function time(value: unknown): number {
  const ts = typeof value === 'string' ? normalizeTimestamp(value) : undefined;
  if (ts === undefined) throw new EvaluationError(`observed-data timestamp '${String(value)}' is not a STIX timestamp`);
  return timestampMillis(ts);
}

/** Most instances a binding can hold: REPEATS multiplies, everything else adds. */
function bindingWidth(o: ObservationExpression): number {
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

function streamOf(o: ObservationExpression, obs: Observation[], width: number): Iterator<Binding> {
  const interval = (b: Binding, pick: 'first' | 'last', agg: (a: number, b: number) => number): number => {
    let acc = obs[Math.floor(b[0]! / width)]![pick];
    for (const i of b) acc = agg(acc, obs[Math.floor(i / width)]![pick]);
    return acc;
  };
  switch (o.kind) {
    case 'observation': {
      const evaluator = new ComparisonEvaluator(o.comparison);
      return (function* () {
        for (let i = 0; i < obs.length; i++) {
          if (evaluator.evaluate(obs[i]!.scope).size === 0) continue;
          // An observation seen n times is n instances; a binding never needs more than `width`.
          for (let k = 0; k < Math.min(obs[i]!.count, width); k++) yield [i * width + k];
        }
      })();
    }
    case 'group':
      return streamOf(o.inner, obs, width);
    case 'and':
      return pairs(streamOf(o.left, obs, width), streamOf(o.right, obs, width), disjoint);
    case 'or':
      return either(streamOf(o.left, obs, width), streamOf(o.right, obs, width));
    case 'followedby':
      // Latest possible start on the left no later than the earliest possible end on the right.
      return pairs(streamOf(o.left, obs, width), streamOf(o.right, obs, width), (l, r) => disjoint(l, r) && interval(l, 'first', Math.max) <= interval(r, 'last', Math.min));
    case 'qualified': {
      const inner = streamOf(o.inner, obs, width);
      const q = o.qualifier;
      if (q.kind === 'repeats') return repeats(inner, q.times);
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
      const inside = (ob: Observation): boolean => ob.first !== stop && ob.first <= stop && start <= ob.last && !(ob.first === ob.last && ob.first === stop);
      return start < stop ? filter(inner, (b) => b.every((i) => inside(obs[Math.floor(i / width)]!))) : filter(inner, () => false);
    }
  }
}
