import type { ConditionNode } from '../condition/condition-node.js';
import type { FieldTest, ValueTest } from '../modifiers/value-test.js';
import type { SigmaDetection } from '../rule/sigma-rule.js';

/**
 * A cheap test that must fire for a rule to have any chance to match: an exact folded value of a
 * field (hash lookup) or a folded substring of a field (Aho-Corasick over the field).
 */
export type Anchor = { kind: 'eq'; field: string; text: string } | { kind: 'sub'; field: string; text: string };

/**
 * Chooses a set of anchors such that whenever the rule matches an event, at least one anchor fires
 * on that event (a necessary condition). `and` picks its cheapest child, `or` needs every child,
 * and anything under `not` or without a literal gives up (undefined: the rule always runs).
 */
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

/** Lower is better: a hash hit is cheapest and most selective; short substrings fire often. */
function cost(anchors: Anchor[]): number {
  let c = 0;
  for (const a of anchors) c += a.kind === 'eq' ? 1 : 1 + 8 / Math.max(1, a.text.length);
  return c;
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
  if (t.field === undefined || t.neq || t.tests.length === 0) return undefined;
  const per = t.tests.map((v) => valueAnchor(t.field!, v));
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
      return text ? { kind: 'sub', field, text } : undefined;
    }
    case 'glob': {
      let longest = '';
      for (const p of v.parts) if (typeof p === 'string' && p.length > longest.length) longest = p;
      if (!longest) return undefined;
      return { kind: 'sub', field, text: v.cased ? longest.toLowerCase() : longest };
    }
    default:
      return undefined;
  }
}
