import { logsourceMatches } from '../logsource/logsource-aliases.js';
import { attachFilters } from '../filters/attach-filters.js';
import { buildFieldTest } from '../modifiers/build-field-test.js';
import type { SigmaDetection, SigmaFilter, SigmaRule } from '../rule/sigma-rule.js';
import type { Logsource, RuleMeta, SigmaEvent, SigmaLoadError, SigmaMatch } from '../sigma-types.js';
import type { AhoCorasick } from './aho-corasick.js';
import { compileDetection, explainMatch, type CompiledRule } from './compile-rule.js';
import { EventView } from './event-view.js';
import { RuleBucket } from './rule-bucket.js';

/** Compiled rules, matched against events. */
export interface RuleSet {
  /** Rules compiled. */
  readonly size: number;
  rules(): readonly RuleMeta[];
  /** All rule matches of one event; only rules whose logsource fits `event.logsource` run. */
  match(event: SigmaEvent): SigmaMatch[];
}

/** Input of {@link compileRuleSet}. */
export interface CompileRuleSetInput {
  rules: SigmaRule[];
  /** Meta-filters; each drops the matches of the rules it names (by id or name). */
  filters?: SigmaFilter[];
  /** Values of `%name%` placeholders; overrides what the rules were parsed with. */
  placeholders?: Record<string, string[]>;
}

/**
 * Compiles parsed rules once into a {@link RuleSet}. Rules are grouped by the event logsource they
 * apply to (an absent product/category/service in a rule is a wildcard; category and service
 * aliases such as `registry_event` ⊇ `registry_set` per `logsourceMatches`); each group gets a
 * cross-rule index built on first use, so an event only touches the rules that can match it.
 */
export function compileRuleSet(input: CompileRuleSetInput): { ruleSet: RuleSet; errors: SigmaLoadError[] } {
  const builder = new RuleSetBuilder(input.placeholders);
  for (const rule of input.rules) builder.add(rule);
  return { ruleSet: builder.build(input.filters ?? []), errors: builder.errors };
}

/**
 * {@link compileRuleSet} one rule at a time, so a loader can drop each parsed rule (and the YAML
 * it came from) as soon as it is compiled instead of holding thousands until the end.
 */
export class RuleSetBuilder {
  /** Rules that failed to compile. */
  readonly errors: SigmaLoadError[] = [];
  private readonly compiled: CompiledRule[] = [];

  constructor(private readonly placeholders?: Record<string, string[]>) {}

  add(rule: SigmaRule): void {
    try {
      const detection = this.placeholders ? withPlaceholders(rule.detection, this.placeholders) : rule.detection;
      const c: CompiledRule = { meta: rule.meta, detection, order: this.compiled.length, matches: () => false, filters: [] };
      // The predicate's closures are built when the rule first meets a candidate event: most rules
      // of a large set never see an event of their logsource, and the detection is already checked
      // (conditions resolved, values built). The stand-in replaces itself.
      c.matches = (view) => (c.matches = compileDetection(detection))(view);
      this.compiled.push(c);
    } catch (e) {
      this.errors.push({ path: rule.path, ...(rule.line ? { line: rule.line } : {}), ruleId: rule.meta.id, message: (e as Error).message });
    }
  }

  /** The rule set of every rule added, with the meta-filters attached. Call once. */
  build(filters: readonly SigmaFilter[]): RuleSet {
    const placeholders = this.placeholders;
    attachFilters(this.compiled, filters, placeholders ? (d) => withPlaceholders(d, placeholders) : undefined);
    return new IndexedRuleSet(this.compiled);
  }
}

function withPlaceholders(d: SigmaDetection, placeholders: Record<string, string[]>): SigmaDetection {
  let changed = false;
  const searches = new Map(
    [...d.searches].map(([name, s]) => [
      name,
      {
        name,
        branches: s.branches.map((tests) =>
          tests.map((t) => {
            if (!t.expand) return t;
            changed = true;
            return { ...buildFieldTest(t.expand.key, t.expand.values, { placeholders }), line: t.line, column: t.column };
          }),
        ),
      },
    ]),
  );
  return changed ? { searches, condition: d.condition } : d;
}

class IndexedRuleSet implements RuleSet {
  private readonly metas: RuleMeta[];
  private readonly byObject = new WeakMap<Logsource, RuleBucket>();
  private readonly byKey = new Map<string, RuleBucket>();
  private readonly view = new EventView();
  private readonly automata = new Map<string, AhoCorasick>();

  constructor(private readonly compiled: CompiledRule[]) {
    this.metas = compiled.map((c) => c.meta);
  }

  get size(): number {
    return this.compiled.length;
  }

  rules(): readonly RuleMeta[] {
    return this.metas;
  }

  match(event: SigmaEvent): SigmaMatch[] {
    const bucket = this.bucketFor(event.logsource);
    const view = this.view;
    view.reset(event.fields);
    const out: SigmaMatch[] = [];
    for (const rule of bucket.candidates(view)) {
      if (!rule.matches(view)) continue;
      let vetoed = false;
      for (const f of rule.filters) if (f(view)) { vetoed = true; break; }
      if (!vetoed) out.push({ rule: rule.meta, matched: explainMatch(rule.detection, view) });
    }
    return out;
  }

  private bucketFor(ls: Logsource): RuleBucket {
    let b = this.byObject.get(ls);
    if (b) return b;
    const key = `${ls.product ?? ''}\u0000${ls.category ?? ''}\u0000${ls.service ?? ''}`;
    b = this.byKey.get(key);
    if (!b) {
      b = new RuleBucket(this.compiled.filter((c) => logsourceMatches(c.meta.logsource, ls)), this.automata);
      this.byKey.set(key, b);
    }
    this.byObject.set(ls, b);
    return b;
  }
}
