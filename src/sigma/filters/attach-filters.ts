import { compileDetection, type CompiledRule, type EventPredicate } from '../compiler/compile-rule.js';
import type { SigmaDetection, SigmaFilter } from '../rule/sigma-rule.js';

/**
 * Applies Sigma meta-filters at compile time: each filter's detection becomes a veto predicate on
 * every rule it names by id or name (spec "Global filter": rule AND NOT filter). A filter naming a
 * rule that is not loaded is not an error: filters are written for a whole rule repository and a
 * hunt often loads only part of it.
 * @param prepare hook to rewrite a filter's detection before compiling (placeholder expansion)
 */
export function attachFilters(
  rules: readonly CompiledRule[],
  filters: readonly SigmaFilter[],
  prepare: (d: SigmaDetection) => SigmaDetection = (d) => d,
): void {
  if (filters.length === 0) return;
  const byRef = new Map<string, CompiledRule[]>();
  for (const c of rules) {
    for (const ref of new Set([c.meta.id, c.meta.name])) {
      if (!ref) continue;
      const list = byRef.get(ref);
      if (list) list.push(c);
      else byRef.set(ref, [c]);
    }
  }
  for (const f of filters) {
    const predicate: EventPredicate = compileDetection(prepare(f.detection));
    for (const ref of new Set(f.rules)) for (const c of byRef.get(ref) ?? []) c.filters.push(predicate);
  }
}
