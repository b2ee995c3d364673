import { AhoCorasick } from './aho-corasick.js';
import type { CompiledRule } from './compile-rule.js';
import { noteScanMinLength, scalarText, type EventView } from './event-view.js';
import { normalizeDashes } from '../modifiers/value-test.js';
import { clauseAnchors, DASHED, KEYWORDS, ruleAnchors, weakAnchor, type Anchor } from './rule-anchors.js';
import { KeywordMatcher } from './keyword-matcher.js';
import { escapeRegex } from './escape-regex.js';
import { CandidateGates, type GateOptions } from './candidate-gates.js';
import { CleanLineMemo } from './clean-line-memo.js';
import { LineScanMemo } from './line-scan-memo.js';
import { ProbeCache, type ProbeResult } from './probe-cache.js';
import { ProbeMemo, probeMemoMinLength } from './probe-memo.js';

/** Fields with at most this many substring anchors use native `includes` instead of an automaton. */
const nativeSearchLimit = 6;

interface FieldIndex {
  field: string;
  /** Whether to probe the dash-normalised value (windash anchors). */
  dash: boolean;
  /** Folded exact value → rules (indexes into the bucket) anchored on it. */
  exact: Map<string, number[]> | undefined;
  /** Folded last path component → rules anchored on it. */
  base: Map<string, number[]> | undefined;
  /**
   * Longest key of {@link exact} and of {@link base}: a longer text cannot be a key, and hashing
   * it for the lookup costs a pass over it (a 500-character call trace, on every Sysmon 10 event).
   */
  maxExact: number;
  maxBase: number;
  /** Substring anchors: one automaton for many, native search for a few. */
  ac: AhoCorasick | undefined;
  /** The automaton's scans of long values, with repeated long lines looked up (see LineScanMemo). */
  scan: LineScanMemo | undefined;
  /** Without an automaton: the rules marked by recent long raw values (see ProbeMemo). */
  memo: ProbeMemo | undefined;
  /** With an automaton: what the probe found for recurring string values (see ProbeCache). */
  cache: ProbeCache | undefined;
  subs: string[];
  /** Substring index → rules anchored on it (with an automaton, any pattern index may have rules). */
  subRules: number[][];
  /** {@link subs} by text. */
  subIndex: Map<string, number>;
  /** Substrings of re-anchored rules that the field's automaton does not hold: native `includes`. */
  extraSubs: string[];
  extraRules: number[][];
  /** Every substring anchor of the field: what {@link quick} must let through. */
  quickTexts: string[];
  /**
   * With an automaton on the plain folded value: every pattern it holds (the anchors, then the
   * other `contains` literals of the bucket's rules on this field) → its index, and the epoch in
   * which each last occurred. The view hands these to the evaluation, so a `contains` on a long
   * value is a lookup instead of another scan of it.
   */
  patternOf: Map<string, number> | undefined;
  hitStamp: Uint32Array | undefined;
  /**
   * For a field probed only by exact values and at most {@link quickAnchorLimit} substrings: a
   * conservative test on the raw (unfolded) value, so a long value that cannot fire is neither
   * folded nor searched (see {@link rawRejects}). Undefined when the field has other probes.
   */
  quick: QuickReject | undefined;
  /** The view slot of {@link field}, resolved on first use (a bucket sees one view). */
  slot: number;
  slotView: EventView | undefined;
}

/**
 * One case-insensitive native regex of a field's substring anchors, plus any non-ASCII character:
 * on ASCII text, `/x/i` finds exactly what `toLowerCase().includes(x)` finds (for folded `x`),
 * and text with other characters is left to the exact path. Exact anchors cannot hold on a value
 * longer than the longest of them (folding never shortens a text).
 */
interface QuickReject {
  re: RegExp | undefined;
  /** {@link re} over long values, line by line with clean lines remembered, when no anchor holds a line feed. */
  lines: CleanLineMemo | undefined;
  /** Long values tested, and how many of them passed (were folded and probed anyway). */
  tried: number;
  passed: number;
}

/**
 * After this many long values, a test that let most of them through is dropped: on a field whose
 * anchors nearly every value holds (`kernelbase.dll+` in Sysmon 10 call traces) it only adds a
 * scan. Dropping it changes speed, never the candidates.
 */
const quickTrial = 512;

/**
 * Most substring anchors a {@link QuickReject} regex holds. A field with an automaton gets one too
 * when its anchors are few: irregexp rejects a 195-character Sysmon 7 `Hashes` value against its
 * 13 anchors in ~0.4 µs, where folding it and running the automaton (which also carries the
 * field's other `contains` literals) took ~1.3 µs. With thousands of alternatives
 * (process_creation's `CommandLine`) irregexp tries each at every position, and the automaton's
 * one pass is cheaper.
 */
const quickAnchorLimit = 64;

/**
 * Re-anchoring (see {@link RuleBucket.reanchorPending}): a rule is moved onto the clause its gate
 * chose when its own anchors fired on at least this share of the bucket's events…
 */
const reanchorMinFoundRate = 1 / 16;
/** …and the clause held on at most this share of those candidacies. */
const reanchorMaxPassRate = 1 / 8;

/** Values from this length on are tested by {@link QuickReject} before folding. */
const quickMinLength = 64;

/**
 * Automata with more anchors than this are left as they are: extending process_creation's
 * `CommandLine` (5.5 k anchors) to 10 k patterns doubled its first-event build and added ~30 MB
 * of tables, for command lines that `includes` rescans cheaply anyway.
 */
const extendLimit = 1000;

type Slot = Record<Anchor['kind'], Map<string, number[]>>;

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
  private readonly hits: number[] = [];
  private readonly found: number[] = [];
  /** While a memoised value is probed: every rule its probe marks, for the memo. */
  private collected: number[] | undefined;
  /** …and, when its scan is noted for the evaluation, the automaton's hits. */
  private notedHits: readonly number[] | undefined;
  /** The hits of the last automaton scan of {@link probe}. */
  private lastHits: readonly number[] = [];
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
        if (!slot) byField.set(a.field, (slot = { eq: new Map(), base: new Map(), sub: new Map() }));
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
      const subs = [...slot.sub.keys()];
      // A field scanned by an automaton anyway also finds the bucket's other `contains` literals
      // in that pass (a field searched natively stays so: a few `includes` beat any automaton).
      const patterns = subs.slice();
      if (!dash && subs.length > nativeSearchLimit && subs.length <= extendLimit) for (const lit of containsOf.get(field) ?? []) if (!slot.sub.has(lit)) patterns.push(lit);
      const ac = patterns.length > nativeSearchLimit ? sharedAutomaton(automata, patterns) : undefined;
      const noted = ac !== undefined && !dash;
      const quick = !dash && slot.base.size === 0 && subs.length <= quickAnchorLimit ? quickReject(subs) : undefined;
      const index: FieldIndex = {
        field,
        dash,
        exact: slot.eq.size > 0 ? slot.eq : undefined,
        base: slot.base.size > 0 ? slot.base : undefined,
        maxExact: longestKey(slot.eq),
        maxBase: longestKey(slot.base),
        ac,
        scan: ac?.withinLines ? new LineScanMemo(ac) : undefined,
        memo: ac === undefined ? new ProbeMemo() : undefined,
        cache: ac === undefined ? undefined : new ProbeCache(),
        subs,
        subRules: [...slot.sub.values()],
        subIndex: new Map(subs.map((t, k) => [t, k])),
        extraSubs: [],
        extraRules: [],
        quickTexts: subs.slice(),
        patternOf: noted ? new Map(patterns.map((p, k) => [p, k])) : undefined,
        hitStamp: noted ? new Uint32Array(patterns.length) : undefined,
        quick,
        slot: -1,
        slotView: undefined,
      };
      this.fields.push(index);
      this.fieldByKey.set(name, index);
    }
    this.keywords = KeywordMatcher.build(keywordAnchors);
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
            const collected: number[] = [];
            this.collected = collected;
            this.probeField(fi, view, raw);
            this.collected = undefined;
            memo.remember(raw, collected);
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
      for (const a of anchors) this.anchor(i, a);
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
    for (const a of anchors) {
      const fi = this.fieldByKey.get(a.field)!;
      if (a.kind === 'eq') dropRule(fi.exact?.get(a.text), i);
      else if (a.kind === 'base') dropRule(fi.base?.get(a.text), i);
      else dropRule(fi.subRules[fi.subIndex.get(a.text)!], i);
      // A remembered probe of this field may list the rule.
      fi.memo?.clear();
      fi.cache?.clear();
    }
  }

  private anchor(i: number, a: Anchor): void {
    const fi = this.fieldByKey.get(a.field) ?? this.addField(a.field);
    fi.memo?.clear();
    fi.cache?.clear();
    if (a.kind === 'eq') {
      addRule((fi.exact ??= new Map()), a.text, i);
      if (a.text.length > fi.maxExact) fi.maxExact = a.text.length;
      return;
    }
    if (a.kind === 'base') {
      addRule((fi.base ??= new Map()), a.text, i);
      if (a.text.length > fi.maxBase) fi.maxBase = a.text.length;
      // The quick test knows nothing of path components.
      fi.quick = undefined;
      return;
    }
    // An automaton reports its patterns' indexes: past its anchors, the other `contains` literals.
    const p = fi.ac !== undefined ? (fi.patternOf?.get(a.text) ?? fi.subIndex.get(a.text)) : fi.subIndex.get(a.text);
    if (p !== undefined) {
      while (fi.subRules.length <= p) fi.subRules.push([]);
      fi.subRules[p]!.push(i);
    } else if (fi.ac === undefined) {
      fi.subIndex.set(a.text, fi.subs.length);
      fi.subs.push(a.text);
      fi.subRules.push([i]);
    } else {
      const k = fi.extraSubs.indexOf(a.text);
      if (k >= 0) fi.extraRules[k]!.push(i);
      else {
        fi.extraSubs.push(a.text);
        fi.extraRules.push([i]);
      }
    }
    if (!fi.quickTexts.includes(a.text)) {
      fi.quickTexts.push(a.text);
      if (fi.quick !== undefined) fi.quick = fi.quickTexts.length <= quickAnchorLimit ? quickReject(fi.quickTexts) : undefined;
    }
  }

  /** A field the bucket did not index, for a re-anchored rule. */
  private addField(key: string): FieldIndex {
    const dash = key.endsWith(DASHED);
    const index: FieldIndex = {
      field: dash ? key.slice(0, -DASHED.length) : key,
      dash,
      exact: undefined,
      base: undefined,
      maxExact: 0,
      maxBase: 0,
      ac: undefined,
      scan: undefined,
      memo: new ProbeMemo(),
      cache: undefined,
      subs: [],
      subRules: [],
      subIndex: new Map(),
      extraSubs: [],
      extraRules: [],
      quickTexts: [],
      patternOf: undefined,
      hitStamp: undefined,
      quick: dash ? undefined : quickReject([]),
      slot: -1,
      slotView: undefined,
    };
    this.fields.push(index);
    this.fieldByKey.set(key, index);
    return index;
  }

  /** {@link probeField} of a string value, with what it marked and noted collected for the field's cache. */
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
    if (fi.quick !== undefined && this.rawRejects(fi, raw)) return;
    const folded = fi.dash ? view.dashFoldedOf(fi.slot, raw) : view.foldedOf(fi.slot, raw);
    if (folded !== undefined) {
      this.probe(fi, folded);
      if (fi.patternOf && folded.length >= noteScanMinLength) {
        view.noteScan(fi.slot, fi.patternOf, fi.hitStamp!, this.epoch);
        if (this.collected !== undefined) this.notedHits = this.lastHits.slice();
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

  /** Whether a long string value surely fires none of the field's anchors (see {@link QuickReject}). */
  private rawRejects(fi: FieldIndex, raw: unknown): boolean {
    const q = fi.quick!;
    if (typeof raw !== 'string' || raw.length < quickMinLength || raw.length <= fi.maxExact) return false;
    if (q.re === undefined) return true;
    const rejected = !(q.lines !== undefined ? q.lines.test(raw) : q.re.test(raw));
    if (q.tried < quickTrial) {
      q.tried++;
      if (!rejected) q.passed++;
      if (q.tried === quickTrial && q.passed > quickTrial / 2) fi.quick = undefined;
    }
    return rejected;
  }

  private probe(fi: FieldIndex, folded: string): void {
    if (fi.exact && folded.length <= fi.maxExact) this.markAll(fi.exact.get(folded));
    if (fi.base) {
      const from = folded.lastIndexOf('\\') + 1;
      if (folded.length - from <= fi.maxBase) this.markAll(fi.base.get(folded.slice(from)));
    }
    if (fi.ac) {
      const own = this.hits;
      own.length = 0;
      const hits = fi.scan !== undefined ? fi.scan.search(folded, own) : fi.ac.searchDistinct(folded, own);
      this.lastHits = hits;
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

function quickReject(subs: readonly string[]): QuickReject {
  const re = subs.length > 0 ? new RegExp(subs.map(escapeRegex).join('|') + '|[^\\x00-\\x7f]', 'i') : undefined;
  // The alternatives are literals and one non-ASCII character: a match holds a line feed only if a literal does.
  const lines = re !== undefined && !subs.some((t) => t.includes('\n')) ? new CleanLineMemo(re) : undefined;
  return { re, lines, tried: 0, passed: 0 };
}

/** Case-insensitive, dash-free `contains` literals of the rules, by field. */
function containsLiterals(rules: readonly CompiledRule[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const rule of rules) {
    for (const search of rule.detection.searches.values()) {
      for (const branch of search.branches) {
        for (const t of branch) {
          if (t.field === undefined) continue;
          for (const v of t.tests) {
            if (v.kind !== 'contains' || v.cased || v.dash === true || v.text === '') continue;
            let set = out.get(t.field);
            if (!set) out.set(t.field, (set = new Set()));
            set.add(v.text);
          }
        }
      }
    }
  }
  return out;
}


function dropRule(list: number[] | undefined, i: number): void {
  if (list === undefined) return;
  let w = 0;
  for (let r = 0; r < list.length; r++) if (list[r] !== i) list[w++] = list[r]!;
  list.length = w;
}

/** Adds rule `i` to the list of `text` once. Built in rule order, a list only needs its last entry checked. */
function addRule(m: Map<string, number[]>, text: string, i: number): void {
  const list = m.get(text);
  if (list === undefined) m.set(text, [i]);
  else {
    const last = list[list.length - 1]!;
    if (i > last || (i !== last && !list.includes(i))) list.push(i);
  }
}

function longestKey(m: Map<string, unknown>): number {
  let n = 0;
  for (const k of m.keys()) if (k.length > n) n = k.length;
  return n;
}

function sharedAutomaton(cache: Map<string, AhoCorasick>, patterns: string[]): AhoCorasick {
  const key = patterns.join('\u0000');
  let ac = cache.get(key);
  if (!ac) cache.set(key, (ac = new AhoCorasick(patterns)));
  return ac;
}
