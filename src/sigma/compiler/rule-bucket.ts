import { AhoCorasick } from './aho-corasick.js';
import type { CompiledRule } from './compile-rule.js';
import { scalarText, type EventView } from './event-view.js';
import { ruleAnchors } from './rule-anchors.js';

interface FieldIndex {
  field: string;
  /** Folded exact value → rules (indexes into the bucket) anchored on it. */
  exact: Map<string, number[]> | undefined;
  /** Substring anchors of this field across all rules of the bucket. */
  ac: AhoCorasick | undefined;
  /** Pattern index → rules anchored on it. */
  patternRules: number[][];
}

/**
 * The rules that apply to one logsource, with a cross-rule index: for an event, only the rules
 * whose anchor fires (plus the few without an anchor) are evaluated, so the cost per event grows
 * with the candidates, not with the number of rules.
 */
export class RuleBucket {
  private readonly fields: FieldIndex[] = [];
  /** Rules without a usable anchor: evaluated on every event of the bucket. */
  private readonly always: number[] = [];
  private readonly stamp: Uint32Array;
  private epoch = 0;
  private readonly hits: number[] = [];
  private readonly found: number[] = [];

  constructor(readonly rules: readonly CompiledRule[]) {
    this.stamp = new Uint32Array(rules.length);
    const byField = new Map<string, { exact: Map<string, number[]>; subs: Map<string, number[]> }>();
    const slot = (f: string): { exact: Map<string, number[]>; subs: Map<string, number[]> } => {
      let e = byField.get(f);
      if (!e) byField.set(f, (e = { exact: new Map(), subs: new Map() }));
      return e;
    };
    rules.forEach((rule, i) => {
      const anchors = ruleAnchors(rule.detection);
      if (!anchors || anchors.length === 0) {
        this.always.push(i);
        return;
      }
      for (const a of anchors) {
        const m = a.kind === 'eq' ? slot(a.field).exact : slot(a.field).subs;
        const list = m.get(a.text);
        if (!list) m.set(a.text, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
    for (const [field, { exact, subs }] of byField) {
      const patterns = [...subs.keys()];
      this.fields.push({
        field,
        exact: exact.size > 0 ? exact : undefined,
        ac: patterns.length > 0 ? new AhoCorasick(patterns) : undefined,
        patternRules: [...subs.values()],
      });
    }
  }

  /** Rules worth evaluating on the current event, in rule-set order. */
  candidates(view: EventView): CompiledRule[] {
    if (++this.epoch === 0xffffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    const found = this.found;
    found.length = 0;
    for (const i of this.always) this.mark(i);
    for (const fi of this.fields) {
      const folded = view.folded(fi.field);
      if (folded !== undefined) this.probe(fi, folded);
      else {
        const raw = view.get(fi.field);
        // List-valued fields (ECS arrays) match when any element does: probe each one.
        if (Array.isArray(raw)) {
          for (const el of raw) {
            const s = scalarText(el);
            if (s !== undefined) this.probe(fi, s.toLowerCase());
          }
        }
      }
    }
    if (found.length > 1) found.sort((a, b) => a - b);
    const out: CompiledRule[] = new Array(found.length);
    for (let k = 0; k < found.length; k++) out[k] = this.rules[found[k]!]!;
    return out;
  }

  private probe(fi: FieldIndex, folded: string): void {
    if (fi.exact) {
      const list = fi.exact.get(folded);
      if (list) for (const i of list) this.mark(i);
    }
    if (fi.ac) {
      const hits = this.hits;
      hits.length = 0;
      fi.ac.search(folded, hits);
      for (const p of hits) for (const i of fi.patternRules[p]!) this.mark(i);
    }
  }

  private mark(i: number): void {
    if (this.stamp[i] !== this.epoch) {
      this.stamp[i] = this.epoch;
      this.found.push(i);
    }
  }
}
