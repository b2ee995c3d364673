import { AhoCorasick } from './aho-corasick.js';
import type { CompiledRule } from './compile-rule.js';
import { noteScanMinLength, scalarText, type EventView } from './event-view.js';
import { normalizeDashes } from '../modifiers/value-test.js';
import { DASHED, KEYWORDS, ruleAnchors, type Anchor } from './rule-anchors.js';
import { KeywordMatcher } from './keyword-matcher.js';
import { escapeRegex } from './escape-regex.js';
import { CandidateGates, type GateOptions } from './candidate-gates.js';
import { CleanLineMemo } from './clean-line-memo.js';
import { LineScanMemo } from './line-scan-memo.js';
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
  subs: string[];
  /** Substring index → rules anchored on it. */
  subRules: number[][];
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
  /** Second necessary conditions chosen at run time for rules whose anchors fire often. */
  readonly gates: CandidateGates;

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
    const byField = new Map<string, Slot>();
    const containsOf = containsLiterals(rules);
    rules.forEach((rule, i) => {
      if (rule.anchors === undefined) rule.anchors = ruleAnchors(rule.detection) ?? null;
      const anchors = rule.anchors;
      if (!anchors || anchors.length === 0) {
        this.always.push(i);
        return;
      }
      for (const a of anchors) {
        let slot = byField.get(a.field);
        if (!slot) byField.set(a.field, (slot = { eq: new Map(), base: new Map(), sub: new Map() }));
        const m = slot[a.kind];
        const list = m.get(a.text);
        if (!list) m.set(a.text, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
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
      this.fields.push({
        field,
        dash,
        exact: slot.eq.size > 0 ? slot.eq : undefined,
        base: slot.base.size > 0 ? slot.base : undefined,
        maxExact: longestKey(slot.eq),
        maxBase: longestKey(slot.base),
        ac,
        scan: ac?.withinLines ? new LineScanMemo(ac) : undefined,
        memo: ac === undefined ? new ProbeMemo() : undefined,
        subs,
        subRules: [...slot.sub.values()],
        patternOf: noted ? new Map(patterns.map((p, k) => [p, k])) : undefined,
        hitStamp: noted ? new Uint32Array(patterns.length) : undefined,
        quick,
        slot: -1,
        slotView: undefined,
      });
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
    return out;
  }

  /** Marks the rules that the field's value `raw` fires (the index probe of one field). */
  private probeField(fi: FieldIndex, view: EventView, raw: unknown): void {
    if (fi.quick !== undefined && this.rawRejects(fi, raw)) return;
    const folded = fi.dash ? view.dashFoldedOf(fi.slot, raw) : view.foldedOf(fi.slot, raw);
    if (folded !== undefined) {
      this.probe(fi, folded);
      if (fi.patternOf && folded.length >= noteScanMinLength) view.noteScan(fi.slot, fi.patternOf, fi.hitStamp!, this.epoch);
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
