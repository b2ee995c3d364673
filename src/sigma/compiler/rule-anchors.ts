import type { ConditionNode } from '../condition/condition-node.js';
import type { FieldTest, ValueTest } from '../modifiers/value-test.js';
import type { SigmaDetection } from '../rule/sigma-rule.js';
import { requiredLiteral } from './regex-literal.js';
import type { ClauseTest } from './rule-clauses.js';

/**
 * A cheap test that must fire for a rule to have any chance to match: an exact folded value of a
 * field (hash lookup), the folded last path component of a field (hash lookup: what an
 * `endswith '\\name.exe'` needs), or a folded substring of a field (Aho-Corasick or native
 * search). The field {@link KEYWORDS} stands for "any value of the event" (keyword searches).
 */
export type Anchor = { kind: 'eq' | 'sub' | 'base'; field: string; text: string };

/**
 * Chooses a set of anchors such that whenever the rule matches an event, at least one anchor fires
 * on that event (a necessary condition). `and` picks its cheapest child, `or` needs every child,
 * and anything under `not` or without a literal gives up (undefined: the rule always runs).
 */
/** Pseudo field of keyword anchors: no real field has an empty name. */
export const KEYWORDS = '';

/**
 * Suffix of the pseudo field of windash anchors: they look at the field's value with its dash
 * characters normalised to `-` (`Field` + DASHED).
 */
export const DASHED = '\u0000dash';

export function ruleAnchors(detection: SigmaDetection): Anchor[] | undefined {
  const searchAnchors = new Map<string, Anchor[] | undefined>();
  for (const [name, s] of detection.searches) {
    let union: Anchor[] | undefined = [];
    for (const branch of s.branches) {
      const a = cheapest(branch.map(fieldAnchors));
      if (!a) {
        union = undefined;
        break;
      }
      union.push(...a);
    }
    searchAnchors.set(name, union);
  }
  return nodeAnchors(detection.condition, searchAnchors);
}

function nodeAnchors(node: ConditionNode, searches: Map<string, Anchor[] | undefined>): Anchor[] | undefined {
  switch (node.type) {
    case 'id':
      return searches.get(node.name);
    case 'not':
      return undefined;
    case 'and':
      return cheapest(node.items.map((n) => nodeAnchors(n, searches)));
    case 'or':
      return unionOf(node.items.map((n) => nodeAnchors(n, searches)));
    case 'of': {
      const parts = node.names.map((n) => searches.get(n));
      return node.count === 'all' ? cheapest(parts) : unionOf(parts);
    }
  }
}

function unionOf(parts: (Anchor[] | undefined)[]): Anchor[] | undefined {
  const out: Anchor[] = [];
  for (const p of parts) {
    if (!p) return undefined;
    out.push(...p);
  }
  return out;
}

/**
 * Lower is better: a hash hit is cheap and usually selective (not on booleans and tiny numbers,
 * which most events share); short substrings fire often. Measured on Security-Datasets, flat
 * costs for exact values beat length-based estimates: long substrings are often generic system
 * paths (`C:\\Windows\\System32\\ntdll.dll+` starts nearly every CallTrace).
 */
function cost(anchors: Anchor[]): number {
  let c = 0;
  for (const a of anchors) {
    c += a.kind === 'eq' ? (weakValue.test(a.text) ? 4 : 1) : a.kind === 'base' ? 1.5 : 1 + 8 / Math.max(1, a.text.length);
  }
  return c;
}

/** Exact values most events share (flags, tiny numbers): a poor anchor when another exists. */
const weakValue = /^(?:true|false|yes|no|\d{1,2}|-)$/;

/** Substrings shorter than this occur in too many values to index a rule moved at run time. */
const minMovedSubstring = 4;

/**
 * Whether an anchor is too common to index a rule moved onto it at run time (see `RuleBucket`):
 * a short substring (`>`, `#`, ` a `) or a flag-like exact value. A gate's clause that rejected most
 * of the events its rule's own anchor fired on may still hold on many of the others.
 */
export function weakAnchor(a: Anchor): boolean {
  return a.kind === 'eq' ? weakValue.test(a.text) : a.kind === 'sub' && a.text.length < minMovedSubstring;
}

function cheapest(options: (Anchor[] | undefined)[]): Anchor[] | undefined {
  let best: Anchor[] | undefined;
  let bestCost = Infinity;
  for (const o of options) {
    if (!o) continue;
    const c = cost(o);
    if (c < bestCost) {
      best = o;
      bestCost = c;
    }
  }
  return best;
}

function fieldAnchors(t: FieldTest): Anchor[] | undefined {
  if (t.neq || t.tests.length === 0) return undefined;
  const field = t.field ?? KEYWORDS;
  const per = t.tests.map((v) => {
    const a = valueAnchor((v as { dash?: boolean }).dash ? field + DASHED : field, v);
    // A keyword matches inside any value, so its exact form only anchors as a substring.
    if (!a || t.field !== undefined) return a;
    return { kind: 'sub' as const, field: a.field, text: a.kind === 'base' ? '\\' + a.text : a.text };
  });
  if (t.all) return cheapest(per.map((a) => (a ? [a] : undefined)));
  const out: Anchor[] = [];
  for (const a of per) {
    if (!a) return undefined;
    out.push(a);
  }
  return out;
}

function valueAnchor(field: string, v: ValueTest): Anchor | undefined {
  switch (v.kind) {
    case 'eq':
      return { kind: 'eq', field, text: v.cased ? v.text.toLowerCase() : v.text };
    case 'contains':
    case 'startswith':
    case 'endswith': {
      const text = v.cased ? v.text.toLowerCase() : v.text;
      return text ? textAnchor(field, text, v.kind === 'endswith') : undefined;
    }
    case 'glob': {
      let longest = '';
      for (const p of v.parts) if (typeof p === 'string' && p.length > longest.length) longest = p;
      if (!longest) return undefined;
      return { kind: 'sub', field, text: v.cased ? longest.toLowerCase() : longest };
    }
    case 're': {
      const lit = requiredLiteral(v.source);
      return lit ? { kind: 'sub', field, text: lit.toLowerCase() } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Anchors of a necessary clause (a disjunction of folded tests, see `ruleClauses`): one fires
 * whenever a test holds, so they can index a rule in place of its own. Undefined when a test has
 * no anchor (`null`, `exists`, an empty substring).
 */
export function clauseAnchors(clause: readonly ClauseTest[]): Anchor[] | undefined {
  const out: Anchor[] = [];
  for (const t of clause) {
    const field = t.dash ? t.field + DASHED : t.field;
    if (t.kind === 'eq') {
      out.push({ kind: 'eq', field, text: t.text });
      continue;
    }
    if ((t.kind !== 'sub' && t.kind !== 'start' && t.kind !== 'end') || t.text === '') return undefined;
    out.push(textAnchor(field, t.text, t.kind === 'end'));
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The anchor of a non-empty folded substring test: its last path component when it is an
 * `endswith` holding a `\\` before its end (`endswith '\\x\\cmd.exe'` can only hold when the value's
 * last path component is cmd.exe), the substring itself otherwise.
 */
function textAnchor(field: string, text: string, endswith: boolean): Anchor {
  const slash = endswith ? text.lastIndexOf('\\') : -1;
  return slash >= 0 && slash < text.length - 1 ? { kind: 'base', field, text: text.slice(slash + 1) } : { kind: 'sub', field, text };
}
