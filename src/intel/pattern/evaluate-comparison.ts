import type { ComparisonExpression, ObjectPath } from './pattern-ast.js';
import { ValueComparator, type ObservedValue } from './compare-values.js';

type Sco = Record<string, unknown>;

/**
 * The SCOs of one observation: every object reachable by id (for `_ref`/`_refs` steps) and the
 * ids of the root objects a comparison starts from (the observed-data's `object_refs`).
 */
export interface ObservationScope {
  objects: ReadonlyMap<string, Sco>;
  roots: readonly string[];
}

/**
 * A comparison expression prepared once (regexes compiled, comparators built) and evaluated on
 * many observations. The result is the set of root SCO ids that satisfy it, empty when none.
 */
export class ComparisonEvaluator {
  private readonly comparators = new Map<ComparisonExpression, ValueComparator>();
  constructor(readonly expression: ComparisonExpression) {
    const prepare = (c: ComparisonExpression): void => {
      if (c.kind === 'and' || c.kind === 'or') {
        prepare(c.left);
        prepare(c.right);
      } else if (c.kind === 'compare') this.comparators.set(c, new ValueComparator(c.operator, c.value));
    };
    prepare(expression);
  }

  /**
   * Whether the expression can hold at all when only these object types are present: every
   * comparison needs a root of its type. A cheap filter before {@link evaluate} when many
   * expressions meet one observation (the live index evaluates each per event).
   */
  couldHold(types: ReadonlySet<unknown>, c: ComparisonExpression = this.expression): boolean {
    if (c.kind === 'and') return this.couldHold(types, c.left) && this.couldHold(types, c.right);
    if (c.kind === 'or') return this.couldHold(types, c.left) || this.couldHold(types, c.right);
    return types.has(c.path.objectType);
  }

  /** Root ids satisfying the expression; may throw EvaluationError on malformed data. */
  evaluate(scope: ObservationScope): Set<string> {
    return this.node(this.expression, scope);
  }

  private node(c: ComparisonExpression, scope: ObservationScope): Set<string> {
    if (c.kind === 'or') {
      const left = this.node(c.left, scope);
      for (const id of this.node(c.right, scope)) left.add(id);
      return left;
    }
    if (c.kind === 'and') {
      const left = this.node(c.left, scope);
      if (left.size === 0) return left;
      const right = this.node(c.right, scope);
      if (right.size === 0) return right;
      const both = new Set<string>();
      for (const id of left) if (right.has(id)) both.add(id);
      if (both.size > 0 || sharesType(left, right, scope)) return both;
      // Comparisons on different object types (`network-traffic:… AND user-account:…`) cannot
      // hold on one SCO: they hold on the observation, so both sides' roots are kept.
      for (const id of right) left.add(id);
      return left;
    }
    const out = new Set<string>();
    for (const id of scope.roots) {
      const sco = scope.objects.get(id);
      if (!sco || sco.type !== c.path.objectType) continue;
      const values = selectPath(sco, c.path, scope);
      if (c.kind === 'exists') {
        if ((values.length > 0) !== c.negated) out.add(id);
        continue;
      }
      const comparator = this.comparators.get(c)!;
      for (const v of values) {
        if (comparator.test(v) !== c.negated) {
          out.add(id);
          break;
        }
      }
    }
    return out;
  }
}

function sharesType(a: Set<string>, b: Set<string>, scope: ObservationScope): boolean {
  const types = new Set<unknown>();
  for (const id of a) types.add(scope.objects.get(id)?.type);
  for (const id of b) if (types.has(scope.objects.get(id)?.type)) return true;
  return false;
}

/** `*_hex` and `*_bin` properties hold bytes; decode them so they compare as binary. */
function decodeSuffixed(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (key.endsWith('_hex')) return /^(?:[0-9a-fA-F]{2})*$/.test(value) ? new Uint8Array(Buffer.from(value, 'hex')) : undefined;
  if (key.endsWith('_bin')) return new Uint8Array(Buffer.from(value, 'base64'));
  return value;
}

/**
 * The values an object path reaches from one root SCO. `[*]` fans out over list elements, `[n]`
 * picks one (negative indexes reach nothing), and a `_ref`/`_refs` property followed by more
 * steps is replaced by the object(s) it names; unresolved references reach nothing.
 */
export function selectPath(root: Sco, path: ObjectPath, scope: ObservationScope): ObservedValue[] {
  let current: unknown[] = [root];
  const last = path.steps.length - 1;
  path.steps.forEach((step, i) => {
    const next: unknown[] = [];
    for (const v of current) {
      if (step.kind === 'key') {
        if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array || !(step.key in v)) continue;
        let child = decodeSuffixed(step.key, (v as Sco)[step.key]);
        if (child === undefined) continue;
        if (i < last && step.key.endsWith('_ref') && typeof child === 'string') child = scope.objects.get(child);
        else if (i < last && step.key.endsWith('_refs') && Array.isArray(child)) child = child.map((r) => (typeof r === 'string' ? scope.objects.get(r) : undefined)).filter((o) => o !== undefined);
        if (child !== undefined) next.push(child);
      } else if (step.kind === 'index') {
        if (Array.isArray(v) && step.index >= 0 && step.index < v.length) next.push(v[step.index]);
      } else if (Array.isArray(v)) next.push(...v);
    }
    current = next;
  });
  return current;
}
