/**
 * Lazy streams of bindings for the observation operators. A binding is the list of observation
 * instances (numbers) bound to a pattern's observation expressions; operators combine and filter
 * the streams of their operands. Streams are generators so that the first binding proves a
 * match without enumerating every combination (REPEATS over many observations explodes
 * otherwise); products cache what each side produced so far and alternate between the sides.
 */
export type Binding = readonly number[];

export function disjoint(a: Binding, b: Binding): boolean {
  for (const x of a) if (b.includes(x)) return false;
  return true;
}

/** Every pair (l, r) with `accept(l, r)`, each as l ++ r, fairly interleaved. */
export function* pairs(left: Iterator<Binding>, right: Iterator<Binding>, accept: (l: Binding, r: Binding) => boolean): Generator<Binding> {
  const seenLeft: Binding[] = [];
  const seenRight: Binding[] = [];
  let l = left.next();
  let r = right.next();
  if (l.done || r.done) return;
  while (!l.done || !r.done) {
    if (!r.done) {
      for (const x of seenLeft) if (accept(x, r.value)) yield [...x, ...r.value];
      seenRight.push(r.value);
      r = right.next();
    }
    if (!l.done) {
      for (const y of seenRight) if (accept(l.value, y)) yield [...l.value, ...y];
      seenLeft.push(l.value);
      l = left.next();
    }
  }
}

/** Bindings of either side: the other side stays unbound, which never loses a match. */
export function* either(left: Iterator<Binding>, right: Iterator<Binding>): Generator<Binding> {
  let l = left.next();
  let r = right.next();
  while (!l.done || !r.done) {
    if (!l.done) {
      yield l.value;
      l = left.next();
    }
    if (!r.done) {
      yield r.value;
      r = right.next();
    }
  }
}

/**
 * Search steps allowed for REPEATS in one evaluation. Finding k disjoint bindings is set packing
 * (exponential in the worst case); a pattern from a peer must not hang a worker, so past this
 * budget evaluation fails with an error instead of running on.
 */
export class SearchBudget {
  constructor(public left: number) {}
  spend(): void {
    if (--this.left < 0) throw new BudgetExceeded('REPEATS needs too many combinations of observations to evaluate');
  }
}
export class BudgetExceeded extends Error {}

/** Combinations of `k` pairwise disjoint bindings, each flattened, found incrementally. */
export function* repeats(values: Iterator<Binding>, k: number, budget: SearchBudget): Generator<Binding> {
  if (k === 1) {
    for (let v = values.next(); !v.done; v = values.next()) yield v.value;
    return;
  }
  const seen: Binding[] = [];
  for (let v = values.next(); !v.done; v = values.next()) {
    const candidates = seen.filter((s) => disjoint(s, v.value));
    yield* choose(candidates, 0, k - 1, [...v.value], budget);
    seen.push(v.value);
  }
}

function* choose(candidates: Binding[], start: number, need: number, used: number[], budget: SearchBudget): Generator<Binding> {
  if (need === 0) {
    yield used;
    return;
  }
  // Counting bound: the candidates still usable must hold enough distinct instances.
  let smallest = Infinity;
  const free = new Set<number>();
  for (let i = start; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (!disjoint(c, used)) continue;
    smallest = Math.min(smallest, c.length);
    for (const x of c) free.add(x);
  }
  if (free.size < need * smallest) return;
  for (let i = start; i <= candidates.length - need; i++) {
    const c = candidates[i]!;
    budget.spend();
    if (!disjoint(c, used)) continue;
    yield* choose(candidates, i + 1, need - 1, [...used, ...c], budget);
  }
}

export function* filter(values: Iterator<Binding>, keep: (b: Binding) => boolean): Generator<Binding> {
  for (let v = values.next(); !v.done; v = values.next()) if (keep(v.value)) yield v.value;
}
