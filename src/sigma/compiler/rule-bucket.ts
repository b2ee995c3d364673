import type { AhoCorasick } from './aho-corasick.js';
import type { CompiledRule } from './compile-rule.js';
import { noteScanMinLength, scalarText, type EventView } from './event-view.js';
import { normalizeDashes } from '../modifiers/value-test.js';
import { clauseAnchors, DASHED, KEYWORDS, ruleAnchors, weakAnchor, type Anchor } from './rule-anchors.js';
import { KeywordMatcher } from './keyword-matcher.js';
import { CandidateGates, type GateOptions } from './candidate-gates.js';
import { addAnchor, addRule, containsLiterals, dropAnchor, emptySlot, fieldIndex, rawRejects, type FieldIndex, type Slot } from './field-index.js';
import type { ProbeResult } from './probe-cache.js';
import { probeMemoMinLength } from './probe-memo.js';

/**
 * Re-anchoring (see {@link RuleBucket.reanchorPending}): a rule is moved onto the clause its gate
 * chose when its own anchors fired on at least this share of the bucket's events…
 */
const reanchorMinFoundRate = 1 / 16;
/** …and the clause held on at most this share of those candidacies. */
const reanchorMaxPassRate = 1 / 8;

/**
 * The rules that apply to one logsource, with a cross-rule index: for an event, only the rules
 * whose anchor fires (plus the few without an anchor) are evaluated, so the cost per event grows
 * with the candidates, not with the number of rules.
 */
export class RuleBucket {
  private readonly fields: FieldIndex[] = [];
  /** Keyword (field-less) anchors of the bucket's rules, checked over every value of an event. */
  private readonly keywords: KeywordMatcher | undefined;
  /** Rules without a usable anchor: evaluated on every event of the bucket. */
  private readonly always: number[] = [];
  private readonly stamp: Uint32Array;
  private epoch = 0;
  /** The patterns the last automaton scan of {@link probe} found. */
  private readonly hits: number[] = [];
  private readonly found: number[] = [];
  /** While a memoised value is probed: every rule its probe marks, for the memo. */
  private collected: number[] | undefined;
  /** …and, when its scan is noted for the evaluation, the automaton's hits. */
  private notedHits: readonly number[] | undefined;
  /** Second necessary conditions chosen at run time for rules whose anchors fire often. */
  readonly gates: CandidateGates;
  /** The anchors each rule is indexed on in this bucket (null: none, it is in {@link always}). */
  private readonly anchorsOf: (readonly Anchor[] | null)[];
  /** Rules already moved onto a gate's clause (at most once each). */
  private readonly moved: Uint8Array;
  /** Rules whose gate chose a clause during the current event, considered after it. */
  private readonly pending: number[] = [];
  private readonly fieldByKey = new Map<string, FieldIndex>();
  private events = 0;

  /**
   * @param automata automata already built for other buckets of the same rule set, by pattern
   *   list: logsources that share rules (Sysmon and Security process creation) share them too
   * @param gates tuning of the run-time candidate gates (tests shorten their trials)
   */
  constructor(
    readonly rules: readonly CompiledRule[],
    automata: Map<string, AhoCorasick> = new Map(),
    gates: GateOptions = {},
  ) {
    this.stamp = new Uint32Array(rules.length);
    this.gates = new CandidateGates(rules, gates);
    this.moved = new Uint8Array(rules.length);
    this.anchorsOf = new Array<readonly Anchor[] | null>(rules.length).fill(null);
    if (gates.reanchor !== false) {
      this.gates.onChosen = (i) => {
        if (this.moved[i] === 0) this.pending.push(i);
      };
    }
    const byField = new Map<string, Slot>();
    const containsOf = containsLiterals(rules);
    rules.forEach((rule, i) => {
      if (rule.anchors === undefined) rule.anchors = ruleAnchors(rule.detection) ?? null;
      const anchors = rule.anchors;
      if (!anchors || anchors.length === 0) {
        this.always.push(i);
        return;
      }
      this.anchorsOf[i] = anchors;
      for (const a of anchors) {
        let slot = byField.get(a.field);
        if (!slot) byField.set(a.field, (slot = emptySlot()));
        addRule(slot[a.kind], a.text, i);
      }
    });
    const keywordAnchors: { literal: string; dash: boolean; rules: number[] }[] = [];
    for (const [name, slot] of byField) {
      const dash = name.endsWith(DASHED);
      const field = dash ? name.slice(0, -DASHED.length) : name;
      if (field === KEYWORDS) {
        for (const [literal, rulesOf] of slot.sub) keywordAnchors.push({ literal, dash, rules: rulesOf });
        continue;
      }
      this.addField(name, slot, containsOf, automata);
    }
    this.keywords = KeywordMatcher.build(keywordAnchors);
  }

  /** Indexes field `key` on the anchors of `slot`; by default none yet (for a re-anchored rule). */
  private addField(key: string, slot = emptySlot(), containsOf = new Map<string, Set<string>>(), automata = new Map<string, AhoCorasick>()): FieldIndex {
    const index = fieldIndex(key, slot, containsOf, automata);
    this.fields.push(index);
    this.fieldByKey.set(key, index);
    return index;
  }

  /** Rules worth evaluating on the current event, in rule-set order. */
  candidates(view: EventView): CompiledRule[] {
    if (++this.epoch === 0xffffffff) {
      this.stamp.fill(0);
      for (const fi of this.fields) fi.hitStamp?.fill(0);
      this.epoch = 1;
    }
    this.events++;
    const found = this.found;
    found.length = 0;
    for (const i of this.always) this.mark(i);
    for (const fi of this.fields) {
      if (fi.slotView !== view) {
        fi.slotView = view;
        fi.slot = view.slotOf(fi.field);
      }
      // One read per field and event: absent keys are most of them, and each keyed read of an
      // absent key on these many-shaped records walks the descriptors and the prototype chain.
      const raw = view.get(fi.field);
      if (raw === undefined || raw === null) continue;
      const cache = fi.cache;
      if (cache !== undefined && typeof raw === 'string' && !cache.rests()) {
        const known = cache.get(raw);
        if (known !== undefined) this.replay(fi, view, known);
        else cache.set(raw, this.probeCollecting(fi, view, raw));
        continue;
      }
      const memo = fi.memo;
      if (memo !== undefined) {
        if (typeof raw === 'string' && raw.length >= probeMemoMinLength) {
          const known = memo.get(raw);
          if (known !== undefined) {
            this.markAll(known);
            continue;
          }
          if (memo.active) {
            memo.remember(raw, this.probeCollecting(fi, view, raw).rules);
            continue;
          }
        }
      }
      this.probeField(fi, view, raw);
    }
    if (this.keywords !== undefined && this.keywords.mayMatch(view.fieldsObject())) this.markAll(this.keywords.rules);
    if (found.length > 1) found.sort((a, b) => a - b);
    const out: CompiledRule[] = [];
    const gates = this.gates;
    for (let k = 0; k < found.length; k++) {
      const i = found[k]!;
      if (gates.admits(i, view)) out.push(this.rules[i]!);
    }
    if (this.pending.length > 0) this.reanchorPending();
    return out;
  }

  /** How many rules were moved onto a gate's clause; for tests and diagnostics. */
  movedRules(): number {
    let n = 0;
    for (let i = 0; i < this.moved.length; i++) n += this.moved[i]!;
    return n;
  }

  /** The anchors rule `i` is indexed on now (null: none); for tests and diagnostics. */
  anchorsOfRule(i: number): readonly Anchor[] | null {
    return this.anchorsOf[i]!;
  }

  /**
   * Moves rules onto the clause their gate just chose, when their own anchors fire on many of the
   * bucket's events and the clause rejects most of them. Anchors are chosen when the rules compile,
   * by a guess at what fires rarely, and some guesses fail on real logs: `Image|endswith: '.exe'`
   * over two `\EDR-Freeze` substrings, `EventID: 4656/4663/4658` over `ObjectName|endswith: .AAA`,
   * a call-trace literal every Sysmon 10 event holds over two `GrantedAccess` values. The gate then
   * rejects the rule on nearly every event, at ~1 µs a check; indexed on the gate's clause, the
   * rule is not a candidate at all. Exact: the clause is a necessary condition of the rule, so
   * whenever the rule matches, one of its anchors fires. The gate stays, as for any rule.
   */
  private reanchorPending(): void {
    const gates = this.gates;
    for (const i of this.pending) {
      if (this.moved[i] === 1) continue;
      if (gates.candidacies(i) < this.events * reanchorMinFoundRate || gates.chosenPassRate(i) > reanchorMaxPassRate) continue;
      const clause = gates.chosenClause(i);
      const anchors = clause && clauseAnchors(clause);
      const old = this.anchorsOf[i]!;
      // Keyword anchors live in the keyword matcher, built once.
      if (anchors === undefined || anchors.some(weakAnchor) || old?.some((a) => a.field === KEYWORDS)) continue;
      this.moved[i] = 1;
      this.unanchor(i, old);
      for (const a of anchors) addAnchor(this.fieldByKey.get(a.field) ?? this.addField(a.field), i, a);
      this.anchorsOf[i] = anchors;
    }
    this.pending.length = 0;
  }

  private unanchor(i: number, anchors: readonly Anchor[] | null): void {
    if (anchors === null) {
      const k = this.always.indexOf(i);
      if (k >= 0) this.always.splice(k, 1);
      return;
    }
    for (const a of anchors) dropAnchor(this.fieldByKey.get(a.field)!, i, a);
  }

  /** {@link probeField} of a string value, with what it marked and noted collected for the field's memo or cache. */
  private probeCollecting(fi: FieldIndex, view: EventView, raw: string): ProbeResult {
    const collected: number[] = [];
    this.collected = collected;
    this.notedHits = undefined;
    this.probeField(fi, view, raw);
    this.collected = undefined;
    return { rules: collected, hits: this.notedHits };
  }

  /** What {@link probeCollecting} found for an equal value, applied to the current event. */
  private replay(fi: FieldIndex, view: EventView, known: ProbeResult): void {
    this.markAll(known.rules);
    const hits = known.hits;
    if (hits === undefined) return;
    const stamp = fi.hitStamp!;
    for (let k = 0; k < hits.length; k++) stamp[hits[k]!] = this.epoch;
    view.noteScan(fi.slot, fi.patternOf!, stamp, this.epoch);
  }

  /** Marks the rules that the field's value `raw` fires (the index probe of one field). */
  private probeField(fi: FieldIndex, view: EventView, raw: unknown): void {
    if (fi.quick !== undefined && rawRejects(fi, raw)) return;
    const folded = fi.dash ? view.dashFoldedOf(fi.slot, raw) : view.foldedOf(fi.slot, raw);
    if (folded !== undefined) {
      this.probe(fi, folded);
      if (fi.patternOf && folded.length >= noteScanMinLength) {
        view.noteScan(fi.slot, fi.patternOf, fi.hitStamp!, this.epoch);
        if (this.collected !== undefined) this.notedHits = this.hits.slice();
      }
    }
    else {
      // List-valued fields (ECS arrays) match when any element does: probe each one.
      if (Array.isArray(raw)) {
        for (const el of raw) {
          const s = scalarText(el);
          if (s !== undefined) this.probe(fi, fi.dash ? normalizeDashes(s.toLowerCase()) : s.toLowerCase());
        }
      }
    }
  }

  private probe(fi: FieldIndex, folded: string): void {
    if (fi.exact && folded.length <= fi.maxExact) this.markAll(fi.exact.get(folded));
    if (fi.base) {
      const from = folded.lastIndexOf('\\') + 1;
      if (folded.length - from <= fi.maxBase) this.markAll(fi.base.get(folded.slice(from)));
    }
    if (fi.ac) {
      const hits = this.hits;
      hits.length = 0;
      if (fi.scan !== undefined) fi.scan.search(folded, hits);
      else fi.ac.searchDistinct(folded, hits);
      const stamp = fi.hitStamp;
      const anchored = fi.subRules.length;
      for (let k = 0; k < hits.length; k++) {
        const p = hits[k]!;
        if (stamp) stamp[p] = this.epoch;
        // Patterns past the anchors only feed the evaluation (and an out-of-bounds read is slow).
        if (p < anchored) this.markAll(fi.subRules[p]);
      }
      const extra = fi.extraSubs;
      for (let k = 0; k < extra.length; k++) if (folded.includes(extra[k]!)) this.markAll(fi.extraRules[k]);
    } else {
      const subs = fi.subs;
      for (let k = 0; k < subs.length; k++) if (folded.includes(subs[k]!)) this.markAll(fi.subRules[k]);
    }
  }

  private markAll(list: readonly number[] | undefined): void {
    if (!list) return;
    for (let k = 0; k < list.length; k++) this.mark(list[k]!);
    if (this.collected !== undefined) for (let k = 0; k < list.length; k++) this.collected.push(list[k]!);
  }



  private mark(i: number): void {
    if (this.stamp[i] !== this.epoch) {
      this.stamp[i] = this.epoch;
      this.found.push(i);
    }
  }
}

