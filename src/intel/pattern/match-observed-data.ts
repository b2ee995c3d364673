import type { PatternAst } from './pattern-ast.js';
import { firstBinding, type ObservationLeaf } from './bind-observations.js';
import { EvaluationError } from './compare-values.js';
import { ComparisonEvaluator, type ObservationScope } from './evaluate-comparison.js';
import { PatternError } from './pattern-error.js';
import { parsePattern } from './pattern-parser.js';
import { normalizeTimestamp, timestampMillis } from './pattern-literals.js';

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
  /** '2.0': START/STOP take string literals (the 2.0 grammar). `objects` maps are read either way. */
  stixVersion?: '2.0' | '2.1';
}

/**
 * Evaluates a STIX pattern over a stream of observations: STIX 2.1 bundles (observed-data whose
 * `object_refs` name SCOs in the same bundle), observed-data objects themselves, or 2.0-style
 * observed-data with an embedded `objects` map. Each observed-data counts `number_observed`
 * times; WITHIN, START/STOP and FOLLOWEDBY use `first_observed`/`last_observed`, choosing for
 * each observation the instant that best satisfies the constraint, as the spec allows.
 *
 * @throws PatternError: `syntax` for a bad pattern, `evaluation` for a pattern or data the
 * pattern cannot be compared with (a malformed timestamp, an invalid `number_observed`).
 */
export function matchObservedData(pattern: string | PatternAst, observations: readonly unknown[], options: MatchObservedDataOptions = {}): ObservedDataMatch {
  // The grammar only, as the OASIS matcher does: a pattern the 2.1 validator would refuse for
  // style (a repeated qualifier, a short hash) still has a meaning here. What makes evaluation
  // impossible (WITHIN 0, a mixed IN set, a regex RE2 refuses) fails as `evaluation`.
  const ast = typeof pattern !== 'string' ? pattern : parsePattern(pattern, options);
  try {
    const obs = collectObservations(observations);
    const evaluators = new Map<ObservationLeaf, ComparisonEvaluator>();
    const indexes = firstBinding(ast.root, obs, (leaf, i) => {
      let evaluator = evaluators.get(leaf);
      if (!evaluator) evaluators.set(leaf, (evaluator = new ComparisonEvaluator(leaf.comparison)));
      return evaluator.evaluate(obs[i]!.scope).size > 0;
    });
    return indexes ? { matched: true, observedData: indexes.map((i) => obs[i]!.sdo) } : { matched: false, observedData: [] };
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

