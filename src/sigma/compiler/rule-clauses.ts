import type { ConditionNode } from '../condition/condition-node.js';
import type { FieldTest, ValueTest } from '../modifiers/value-test.js';
import type { SigmaDetection } from '../rule/sigma-rule.js';

/**
 * One test of a field's folded value (dash-normalised with `dash`), read the way the compiled
 * predicate reads it for a case-insensitive string test: `eq` compares, `sub`/`start`/`end` are
 * `includes`/`startsWith`/`endsWith`. `null` holds when the field is absent or null, `present`
 * and `absent` test whether it is there at all (`exists`); their `text` is empty.
 */
export interface ClauseTest {
  field: string;
  dash: boolean;
  kind: 'eq' | 'sub' | 'start' | 'end' | 'null' | 'present' | 'absent';
  text: string;
}

/** A disjunction of tests: at least one holds on every event the rule matches. */
export type Clause = ClauseTest[];

/** Most clauses kept per rule (an `or` multiplies its children's). */
const maxClauses = 16;
/** Most tests per clause: a longer disjunction costs about what the rule's own evaluation does. */
const maxTests = 24;

/**
 * Necessary conditions of a detection, each a {@link Clause}: whenever the rule matches an event,
 * every clause returned holds on it. An `and` keeps its children's clauses, an `or` (or `1 of`)
 * joins one clause of each child, and a `not`, a keyword, a `neq` entry or a value test other
 * than a case-insensitive `eq`/`startswith`/`endswith`/`contains`, `null` or `exists` gives none. A rule whose index
 * anchor fires often can then be dropped as a candidate by one of these, checked on the folded
 * values the index has mostly computed already (see `CandidateGates`).
 *
 * Only uncased tests: the index folds values with `toLowerCase`, which maps a final Greek sigma by
 * its context, so a cased literal found in the raw text is not always found, folded, in the
 * folded text.
 */
export function ruleClauses(detection: SigmaDetection): Clause[] {
  const searches = new Map<string, Clause[]>();
  for (const [name, s] of detection.searches) searches.set(name, orOf(s.branches.map((branch) => branch.flatMap(fieldClauses))));
  const out: Clause[] = [];
  const seen = new Set<string>();
  for (const c of nodeClauses(detection.condition, searches)) {
    const key = JSON.stringify(c);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
    if (out.length === maxClauses) break;
  }
  return out;
}

function nodeClauses(node: ConditionNode, searches: Map<string, Clause[]>): Clause[] {
  switch (node.type) {
    case 'id':
      return searches.get(node.name) ?? [];
    case 'not':
      return [];
    case 'and':
      return node.items.flatMap((n) => nodeClauses(n, searches));
    case 'or':
      return orOf(node.items.map((n) => nodeClauses(n, searches)));
    case 'of': {
      const parts = node.names.map((n) => searches.get(n) ?? []);
      // `N of` needs at least one of them, like `1 of`.
      return node.count === 'all' ? parts.flat() : orOf(parts);
    }
  }
}

/**
 * Clauses of an `or` of parts given the clauses of each part: the union of one clause per part
 * holds whenever one part holds. A part without clauses leaves the `or` without any.
 */
function orOf(parts: Clause[][]): Clause[] {
  if (parts.length === 0) return [];
  let acc: Clause[] = [[]];
  for (const p of parts) {
    const next: Clause[] = [];
    for (const a of acc) {
      for (const c of p) {
        if (a.length + c.length <= maxTests && next.length < maxClauses) next.push([...a, ...c]);
      }
    }
    if (next.length === 0) return [];
    acc = next;
  }
  return acc;
}

function fieldClauses(t: FieldTest): Clause[] {
  if (t.field === undefined || t.neq || t.tests.length === 0) return [];
  const field = t.field;
  const per = t.tests.map((v) => valueTest(field, v));
  // `all`: every value must hold, so each is a clause of its own.
  if (t.all) return per.filter((g) => g !== undefined).map((g) => [g]);
  if (per.length > maxTests) return [];
  const out: ClauseTest[] = [];
  for (const g of per) {
    if (!g) return [];
    out.push(g);
  }
  return [out];
}

function valueTest(field: string, v: ValueTest): ClauseTest | undefined {
  switch (v.kind) {
    case 'eq':
    case 'contains':
    case 'startswith':
    case 'endswith':
      if (v.cased) return undefined;
      return { field, dash: v.dash === true, kind: v.kind === 'eq' ? 'eq' : v.kind === 'contains' ? 'sub' : v.kind === 'startswith' ? 'start' : 'end', text: v.text };
    case 'null':
      return { field, dash: false, kind: 'null', text: '' };
    case 'exists':
      return { field, dash: false, kind: v.exists ? 'present' : 'absent', text: '' };
    default:
      return undefined;
  }
}
