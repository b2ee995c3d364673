import type { ValueTest } from '../modifiers/value-test.js';

/** OR-ed values of one field entry, from this many on, are worth a {@link ValueSet}. */
export const valueSetMinTests = 12;

/**
 * The plain string values of one OR-ed field entry, indexed: case-insensitive exact values in a
 * set, case-insensitive `endswith` values that hold a path separator by the last path component
 * they imply. Side-loading and LOLBin rules list hundreds of `Image|endswith: '\\name.exe'`
 * values, which the one-by-one loop ran through on every candidate event (13–20 µs a call on
 * Security-Datasets); the index makes that a hash lookup plus the few `endsWith` of one bucket.
 * The other values are left to the caller, in {@link rest}.
 *
 * @example
 * const vs = ValueSet.build(tests); // undefined when too few values are indexable
 * vs?.has(folded) || vs?.rest.some(…)
 */
export class ValueSet {
  /** Longest exact value: a longer text is not looked up (hashing it is a pass over it). */
  private readonly maxExact: number;

  private constructor(
    private readonly exact: ReadonlySet<string>,
    private readonly endsByBase: ReadonlyMap<string, readonly string[]>,
    /** Tests not indexed here: the caller evaluates them one by one. */
    readonly rest: readonly ValueTest[],
  ) {
    let n = 0;
    for (const v of exact) if (v.length > n) n = v.length;
    this.maxExact = n;
  }

  /** Indexes `tests`; undefined when fewer than {@link valueSetMinTests} of them are indexable. */
  static build(tests: readonly ValueTest[]): ValueSet | undefined {
    const exact = new Set<string>();
    const endsByBase = new Map<string, string[]>();
    const rest: ValueTest[] = [];
    let indexed = 0;
    for (const t of tests) {
      if ((t.kind === 'eq' || t.kind === 'endswith') && !t.cased && t.dash !== true) {
        if (t.kind === 'eq') {
          exact.add(t.text);
          indexed++;
          continue;
        }
        const slash = t.text.lastIndexOf('\\');
        if (slash >= 0) {
          // `endswith 'x\\name'` can only hold when the value's last path component is `name`.
          const base = t.text.slice(slash + 1);
          const list = endsByBase.get(base);
          if (list) list.push(t.text);
          else endsByBase.set(base, [t.text]);
          indexed++;
          continue;
        }
      }
      rest.push(t);
    }
    return indexed >= valueSetMinTests ? new ValueSet(exact, endsByBase, rest) : undefined;
  }

  /** Whether the folded scalar value equals or ends with one of the indexed values. */
  has(folded: string): boolean {
    if (folded.length <= this.maxExact && this.exact.has(folded)) return true;
    if (this.endsByBase.size === 0) return false;
    const ends = this.endsByBase.get(folded.slice(folded.lastIndexOf('\\') + 1));
    if (ends) for (let i = 0; i < ends.length; i++) if (folded.endsWith(ends[i]!)) return true;
    return false;
  }
}
