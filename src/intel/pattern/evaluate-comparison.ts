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
type Leaf = Extract<ComparisonExpression, { kind: 'compare' | 'exists' }>;
/** AND/OR chains flattened: the parser's left-deep trees would cost a stack frame per term. */
type Node = { kind: 'and'; parts: Node[] } | { kind: 'or'; parts: Node[] } | { kind: 'leaf'; leaf: Leaf; comparator?: ValueComparator };

function flatten(c: ComparisonExpression): Node {
  if (c.kind !== 'and' && c.kind !== 'or') return { kind: 'leaf', leaf: c, ...(c.kind === 'compare' ? { comparator: new ValueComparator(c.operator, c.value) } : {}) };
  const parts: ComparisonExpression[] = [];
  let cur: ComparisonExpression = c;
  while (cur.kind === c.kind) {
    parts.push(cur.right);
    cur = cur.left;
  }
  parts.push(cur);
  return c.kind === 'and' ? { kind: 'and', parts: parts.reverse().map(flatten) } : { kind: 'or', parts: parts.reverse().map(flatten) };
}

/**
 * A comparison expression prepared once (regexes compiled, comparators built) and evaluated on
 * many observations. The result is the set of root SCO ids that satisfy it, empty when none.
 */
export class ComparisonEvaluator {
  private readonly root: Node;
  constructor(readonly expression: ComparisonExpression) {
    this.root = flatten(expression);
  }

  /**
   * Whether the expression can hold at all when only these object types are present: every
   * comparison needs a root of its type. A cheap filter before {@link evaluate} when many
   * expressions meet one observation (the live index evaluates each per event).
   */
  couldHold(types: ReadonlySet<unknown>, n: Node = this.root): boolean {
    if (n.kind === 'leaf') return types.has(n.leaf.path.objectType);
    if (n.kind === 'and') return n.parts.every((p) => this.couldHold(types, p));
    return n.parts.some((p) => this.couldHold(types, p));
  }

  /** Root ids satisfying the expression; may throw EvaluationError on malformed data. */
  evaluate(scope: ObservationScope): Set<string> {
    return this.node(this.root, scope);
  }

  private node(n: Node, scope: ObservationScope): Set<string> {
    if (n.kind === 'or') {
      const out = new Set<string>();
      for (const p of n.parts) for (const id of this.node(p, scope)) out.add(id);
      return out;
    }
    if (n.kind === 'and') {
      let acc = this.node(n.parts[0]!, scope);
      for (let i = 1; i < n.parts.length && acc.size > 0; i++) {
        const right = this.node(n.parts[i]!, scope);
        if (right.size === 0) return right;
        const both = new Set<string>();
        for (const id of acc) if (right.has(id)) both.add(id);
        if (both.size > 0 || sharesType(acc, right, scope)) acc = both;
        else {
          // Comparisons on different object types (`network-traffic:… AND user-account:…`) cannot
          // hold on one SCO: they hold on the observation, so both sides' roots are kept.
          for (const id of right) acc.add(id);
        }
      }
      return acc;
    }
    const c = n.leaf;
    const out = new Set<string>();
    for (const id of scope.roots) {
      const sco = scope.objects.get(id);
      if (!sco || sco.type !== c.path.objectType) continue;
      const values = selectPath(sco, c.path, scope);
      if (c.kind === 'exists') {
        if ((values.length > 0) !== c.negated) out.add(id);
        continue;
      }
      for (const v of values) {
        if (n.comparator!.test(v) !== c.negated) {
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
