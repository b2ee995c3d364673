import type { ConditionNode } from '../condition/condition-node.js';
import type { FieldTest, ValueTest } from '../modifiers/value-test.js';
import type { SigmaDetection } from '../rule/sigma-rule.js';
import type { MatchedSelection, RuleMeta } from '../sigma-types.js';
import { compileFieldTest } from './compile-field-test.js';
import type { EventView } from './event-view.js';
import type { Anchor } from './rule-anchors.js';
import type { Clause } from './rule-clauses.js';

/** A detection compiled into a predicate over the current event. */
export type EventPredicate = (view: EventView) => boolean;

/** A rule ready to run: its predicate, plus the filters that veto its matches. */
export interface CompiledRule {
  meta: RuleMeta;
  detection: SigmaDetection;
  /** Position in the rule set: keeps match output in load order. */
  order: number;
  matches: EventPredicate;
  /** Meta-filter predicates: a match is dropped when any holds. */
  filters: EventPredicate[];
  /** Index anchors, computed once on first use (null: the rule has none and always runs). */
  anchors?: Anchor[] | null;
  /** Necessary conditions the index may gate the rule on, computed on first candidacy. */
  clauses?: Clause[];
}

/**
 * Compiles a detection into nested closures (built once; the per-event work is only the calls).
 * Search identifiers are OR-of-AND over field entries.
 */
export function compileDetection(detection: SigmaDetection): EventPredicate {
  const searches = new Map<string, EventPredicate>();
  for (const [name, s] of detection.searches) {
    const branches = s.branches.map((written): EventPredicate => {
      // The entries of a branch are ANDed and side-effect free: the cheap ones run first, so a
      // hash-sized test usually rejects the event before a substring scan or a regex runs.
      const tests = written.slice().sort((a, b) => testCost(a) - testCost(b));
      return allOf(tests.map(compileFieldTest));
    });
    searches.set(name, branches.length === 1 ? branches[0]! : anyOf(branches));
  }
  return compileCondition(detection.condition, searches);
}

/** Rough relative cost of one field entry: what its values make the matcher do per event. */
function testCost(t: FieldTest): number {
  if (t.field === undefined) return 100; // keywords: every value of the event
  let c = 0;
  for (const v of t.tests) c += valueCost[v.kind];
  return c;
}

const valueCost: Record<ValueTest['kind'], number> = {
  null: 1, exists: 1, eq: 1, num: 2, startswith: 2, endswith: 2, contains: 4, glob: 6, cidr: 6, time: 8, fieldref: 8, re: 20,
};

// One, two and three operands get their own closures: most ANDs and ORs of Sigma rules are that
// small, and a direct call is cheaper than a loop over an array of functions.
function anyOf(ps: EventPredicate[]): EventPredicate {
  switch (ps.length) {
    case 0:
      return () => false;
    case 1:
      return ps[0]!;
    case 2: {
      const [a, b] = ps as [EventPredicate, EventPredicate];
      return (v) => a(v) || b(v);
    }
    case 3: {
      const [a, b, c] = ps as [EventPredicate, EventPredicate, EventPredicate];
      return (v) => a(v) || b(v) || c(v);
    }
    default:
      return (v) => {
        for (let i = 0; i < ps.length; i++) if (ps[i]!(v)) return true;
        return false;
      };
  }
}

function allOf(ps: EventPredicate[]): EventPredicate {
  switch (ps.length) {
    case 0:
      return () => true;
    case 1:
      return ps[0]!;
    case 2: {
      const [a, b] = ps as [EventPredicate, EventPredicate];
      return (v) => a(v) && b(v);
    }
    case 3: {
      const [a, b, c] = ps as [EventPredicate, EventPredicate, EventPredicate];
      return (v) => a(v) && b(v) && c(v);
    }
    default:
      return (v) => {
        for (let i = 0; i < ps.length; i++) if (!ps[i]!(v)) return false;
        return true;
      };
  }
}

function compileCondition(node: ConditionNode, searches: Map<string, EventPredicate>): EventPredicate {
  switch (node.type) {
    case 'id':
      return searches.get(node.name)!;
    case 'not': {
      const inner = compileCondition(node.item, searches);
      return (v) => !inner(v);
    }
    case 'and':
      return allOf(node.items.map((n) => compileCondition(n, searches)));
    case 'or':
      return anyOf(node.items.map((n) => compileCondition(n, searches)));
    case 'of': {
      const ps = node.names.map((n) => searches.get(n)!);
      if (node.count === 'all') return allOf(ps);
      if (node.count === 1) return anyOf(ps);
      const need = node.count;
      return (v) => {
        let n = 0;
        for (const p of ps) if (p(v) && ++n >= need) return true;
        return false;
      };
    }
  }
}

/** Per detection: its positively used search identifiers, each branch compiled with its fields. */
const explainers = new WeakMap<SigmaDetection, ExplainedSearch[]>();

interface ExplainedSearch {
  selection: string;
  branches: { holds: EventPredicate; fields: readonly string[] }[];
}

/**
 * Which search identifiers hold on the event and which fields satisfied them. Only identifiers
 * used positively in the condition are reported (a true filter selection under `not` did not
 * contribute to the match). Run only for rules that matched; their branches are compiled on the
 * first match, like the rule's predicate (the reference `evaluateFieldTest` took ~1.5x longer).
 */
export function explainMatch(detection: SigmaDetection, view: EventView): MatchedSelection[] {
  let searches = explainers.get(detection);
  if (searches === undefined) explainers.set(detection, (searches = explainer(detection)));
  const out: MatchedSelection[] = [];
  for (const s of searches) {
    for (const b of s.branches) {
      if (b.holds(view)) {
        out.push({ selection: s.selection, fields: b.fields.slice() });
        break;
      }
    }
  }
  return out;
}

function explainer(detection: SigmaDetection): ExplainedSearch[] {
  const out: ExplainedSearch[] = [];
  for (const [name, s] of detection.searches) {
    if (!positivelyUsed(detection.condition, name, false)) continue;
    out.push({
      selection: name,
      branches: s.branches.map((tests) => ({
        holds: allOf(tests.map(compileFieldTest)),
        fields: tests.filter((t) => t.field !== undefined).map((t) => t.field!),
      })),
    });
  }
  return out;
}

function positivelyUsed(node: ConditionNode, name: string, negated: boolean): boolean {
  switch (node.type) {
    case 'id':
      return node.name === name && !negated;
    case 'not':
      return positivelyUsed(node.item, name, !negated);
    case 'of':
      return !negated && node.names.includes(name);
    default:
      return node.items.some((n) => positivelyUsed(n, name, negated));
  }
}
