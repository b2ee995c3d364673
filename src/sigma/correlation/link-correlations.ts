import type { RuleMeta, SigmaLoadError } from '../sigma-types.js';
import type { CorrelationRule } from './correlation-rule.js';

/** A correlation whose references are resolved to stable keys (base rule ids or correlation ids). */
export interface LinkedCorrelation {
  rule: CorrelationRule;
  /** Key of this correlation (its meta.id), used by correlations that chain on it. */
  key: string;
  /** Resolved key per entry of `rule.rules`. */
  sources: string[];
  /** Per referenced rule index, the field to read for each `group-by` entry (aliases applied). */
  groupFields: string[][];
}

/** The result of linking: correlations in dependency order (inputs first), and which keys emit alerts. */
export interface CorrelationLinks {
  ordered: LinkedCorrelation[];
  /** Keys (rule ids, correlation ids) referenced only by correlations with `generate: false`. */
  suppressed: Set<string>;
  errors: SigmaLoadError[];
}

/**
 * Resolves correlation references by `id` or `name` against the loaded rules and the other
 * correlations, applies aliases, and orders chained correlations. A correlation with an unknown
 * reference, a clashing id/name, or in (or depending on) a reference cycle is dropped with an error.
 */
export function linkCorrelations(correlations: CorrelationRule[], rules: readonly RuleMeta[]): CorrelationLinks {
  const errors: SigmaLoadError[] = [];
  const fail = (c: CorrelationRule, message: string): void => {
    errors.push({ path: c.path, ...(c.line !== undefined ? { line: c.line } : {}), ruleId: c.meta.id, message });
  };

  const ruleByRef = new Map<string, string>();
  for (const r of rules) {
    ruleByRef.set(r.id, r.id);
    if (r.name !== undefined && !ruleByRef.has(r.name)) ruleByRef.set(r.name, r.id);
  }
  const corrByRef = new Map<string, CorrelationRule>();
  let live: CorrelationRule[] = [];
  for (const c of correlations) {
    const refs = c.meta.name !== undefined && c.meta.name !== c.meta.id ? [c.meta.id, c.meta.name] : [c.meta.id];
    const clash = refs.find((r) => corrByRef.has(r) || ruleByRef.has(r));
    if (clash !== undefined) {
      fail(c, `correlation id or name '${clash}' is already used by another rule or correlation`);
      continue;
    }
    for (const r of refs) corrByRef.set(r, c);
    live.push(c);
  }

  const resolve = (ref: string): string | undefined => corrByRef.get(ref)?.meta.id ?? ruleByRef.get(ref);
  // Alias keys may name a rule by `name` or `id`, whichever way `rules` refers to it.
  const aliasFields = new Map<CorrelationRule, Map<string, Record<string, string>>>();
  live = live.filter((c) => {
    const sources = new Set(c.rules.map(resolve));
    const byKey = new Map<string, Record<string, string>>();
    for (const [alias, mapping] of Object.entries(c.aliases)) {
      for (const [ref, field] of Object.entries(mapping)) {
        const key = resolve(ref);
        if (key === undefined || !sources.has(key)) {
          fail(c, `correlation.aliases.${alias}.${ref}: '${ref}' is not one of correlation.rules`);
          return false;
        }
        byKey.set(key, { ...byKey.get(key), [alias]: field });
      }
    }
    aliasFields.set(c, byKey);
    return true;
  });

  // Drop correlations with unresolved references until stable: dropping one can orphan another.
  for (let changed = true; changed; ) {
    changed = false;
    const alive = new Set(live);
    live = live.filter((c) => {
      const bad = c.rules.findIndex((ref) => {
        const corr = corrByRef.get(ref);
        return corr === undefined ? !ruleByRef.has(ref) : !alive.has(corr);
      });
      if (bad < 0) return true;
      const ref = c.rules[bad] ?? '';
      const why = corrByRef.has(ref) ? 'refers to a correlation that failed to load' : 'matches no loaded rule or correlation id or name';
      fail(c, `correlation.rules[${bad}]: '${ref}' ${why}`);
      changed = true;
      return false;
    });
  }

  // Kahn's algorithm; what remains is in, or downstream of, a cycle.
  const deps = new Map<CorrelationRule, CorrelationRule[]>();
  for (const c of live) deps.set(c, c.rules.flatMap((ref) => corrByRef.get(ref) ?? []));
  const done = new Set<CorrelationRule>();
  const orderedRules: CorrelationRule[] = [];
  for (let progress = true; progress; ) {
    progress = false;
    for (const c of live) {
      if (done.has(c) || !(deps.get(c) ?? []).every((d) => done.has(d))) continue;
      done.add(c);
      orderedRules.push(c);
      progress = true;
    }
  }
  for (const c of live) if (!done.has(c)) fail(c, 'correlation.rules: reference cycle between correlations');

  const ordered = orderedRules.map((c): LinkedCorrelation => {
    const sources = c.rules.map((ref) => resolve(ref) ?? ref);
    const byKey = aliasFields.get(c);
    const groupFields = sources.map((key) => c.groupBy.map((g) => byKey?.get(key)?.[g] ?? g));
    return { rule: c, key: c.meta.id, sources, groupFields };
  });

  const generating = new Set<string>();
  const referenced = new Set<string>();
  for (const l of ordered) {
    for (const s of l.sources) (l.rule.generate ? generating : referenced).add(s);
  }
  const suppressed = new Set([...referenced].filter((k) => !generating.has(k)));
  return { ordered, suppressed, errors };
}
