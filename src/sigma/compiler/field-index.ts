import { AhoCorasick } from './aho-corasick.js';
import type { CompiledRule } from './compile-rule.js';
import { CleanLineMemo } from './clean-line-memo.js';
import { escapeRegex } from './escape-regex.js';
import type { EventView } from './event-view.js';
import { LineScanMemo } from './line-scan-memo.js';
import { ProbeCache } from './probe-cache.js';
import { ProbeMemo } from './probe-memo.js';
import { DASHED, type Anchor } from './rule-anchors.js';

/*
 * One field's part of a RuleBucket's index: what the field's anchors are, how its values are
 * probed (exact and path-component lookups, an automaton or native search for substrings, a quick
 * regex that rules long values out unfolded), and the memos of recent probes. The bucket owns the
 * marking of rules; this module builds and changes the index.
 */

/** Fields with at most this many substring anchors use native `includes` instead of an automaton. */
const nativeSearchLimit = 6;

export interface FieldIndex {
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
  /** Without an automaton: the rules marked by recent raw values (see ProbeMemo). */
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

/** Values from this length on are tested by {@link QuickReject} before folding. */
const quickMinLength = 64;

/**
 * Automata with more anchors than this are left as they are: extending process_creation's
 * `CommandLine` (5.5 k anchors) to 10 k patterns doubled its first-event build and added ~30 MB
 * of tables, for command lines that `includes` rescans cheaply anyway.
 */
const extendLimit = 1000;

export type Slot = Record<Anchor['kind'], Map<string, number[]>>;

/** A slot with no anchor: what a field gets that the bucket did not index before. */
export function emptySlot(): Slot {
  return { eq: new Map(), base: new Map(), sub: new Map() };
}

/**
 * The index of one field (`key`: the field name, with the windash suffix when its anchors are
 * windash ones) from the anchors filed in `slot`.
 *
 * @param containsOf the bucket's `contains` literals by field (see {@link containsLiterals})
 * @param automata automata already built for other buckets, by pattern list
 */
export function fieldIndex(key: string, slot: Slot, containsOf: Map<string, Set<string>>, automata: Map<string, AhoCorasick>): FieldIndex {
  const dash = key.endsWith(DASHED);
  const field = dash ? key.slice(0, -DASHED.length) : key;
  const subs = [...slot.sub.keys()];
  // A field scanned by an automaton anyway also finds the bucket's other `contains` literals
  // in that pass (a field searched natively stays so: a few `includes` beat any automaton).
  const patterns = subs.slice();
  if (!dash && subs.length > nativeSearchLimit && subs.length <= extendLimit) for (const lit of containsOf.get(field) ?? []) if (!slot.sub.has(lit)) patterns.push(lit);
  const ac = patterns.length > nativeSearchLimit ? sharedAutomaton(automata, patterns) : undefined;
  const noted = ac !== undefined && !dash;
  return {
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
    quick: !dash && slot.base.size === 0 && subs.length <= quickAnchorLimit ? quickReject(subs) : undefined,
    slot: -1,
    slotView: undefined,
  };
}

/**
 * Files rule `i` under anchor `a` in the field's index (a re-anchored rule), and forgets the
 * field's remembered probes: they may miss the rule now.
 */
export function addAnchor(fi: FieldIndex, i: number, a: Anchor): void {
  forgetProbes(fi);
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

/** Takes rule `i` off anchor `a` in the field's index, and forgets the probes that may list it. */
export function dropAnchor(fi: FieldIndex, i: number, a: Anchor): void {
  forgetProbes(fi);
  if (a.kind === 'eq') dropRule(fi.exact?.get(a.text), i);
  else if (a.kind === 'base') dropRule(fi.base?.get(a.text), i);
  else dropRule(fi.subRules[fi.subIndex.get(a.text)!], i);
}

function forgetProbes(fi: FieldIndex): void {
  fi.memo?.clear();
  fi.cache?.clear();
}

/** Whether a long string value surely fires none of the field's anchors (see {@link QuickReject}). */
export function rawRejects(fi: FieldIndex, raw: unknown): boolean {
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

function quickReject(subs: readonly string[]): QuickReject {
  const re = subs.length > 0 ? new RegExp(subs.map(escapeRegex).join('|') + '|[^\\x00-\\x7f]', 'i') : undefined;
  // The alternatives are literals and one non-ASCII character: a match holds a line feed only if a literal does.
  const lines = re !== undefined && !subs.some((t) => t.includes('\n')) ? new CleanLineMemo(re) : undefined;
  return { re, lines, tried: 0, passed: 0 };
}

/** Case-insensitive, dash-free `contains` literals of the rules, by field. */
export function containsLiterals(rules: readonly CompiledRule[]): Map<string, Set<string>> {
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
export function addRule(m: Map<string, number[]>, text: string, i: number): void {
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
