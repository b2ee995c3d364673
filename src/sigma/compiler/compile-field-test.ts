import { inCidr, ipAddress, type CidrRange } from '../modifiers/cidr.js';
import { globMatcher } from '../modifiers/glob-match.js';
import { normalizeDashes, type FieldTest, type ValueTest } from '../modifiers/value-test.js';
import { evaluateFieldTest, testText } from './evaluate-field-test.js';
import { noteScanMinLength, type EventView } from './event-view.js';
import { RegexPrefilter } from './regex-prefilter.js';
import { RegexWindow } from './regex-window.js';
import { ValueSet, valueSetMinTests } from './value-set.js';

/** A compiled field entry: whether it holds on the view's current event. */
export type FieldPredicate = (view: EventView) => boolean;

/** One check on the text of a scalar value (`s`: the value as text, unfolded). */
type TextCheck = (s: string, view: EventView) => boolean;

/**
 * Compiles one field entry into a predicate with the same answers as {@link evaluateFieldTest},
 * specialised once instead of decided per event: the value tests are grouped by kind and by the
 * text they read (as written, case-folded, dash-normalised), each group one loop over plain
 * strings; the field's view slot is resolved once, not looked up by name on every fold; an absent
 * field is a constant. Events where the value is a list, an object or null take the reference
 * path ({@link evaluateFieldTest}): they are rare, and their semantics stay in one place.
 */
export function compileFieldTest(t: FieldTest): FieldPredicate {
  const field = t.field;
  if (field === undefined) return (view) => evaluateFieldTest(t, view);
  const slot = new FieldSlot(field);
  const check = t.all ? allChecks(t.tests, slot) : anyCheck(t, slot);
  const neq = t.neq;
  const missing = neq ? false : t.all ? t.tests.every(holdsOnMissing) : t.tests.some(holdsOnMissing);
  return (view) => {
    const raw = view.get(field);
    // `neq` negates the entry for an event that has the field: `check(...) !== neq`.
    if (typeof raw === 'string') return check(raw, view) !== neq;
    if (raw === undefined) return missing;
    if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return check(String(raw), view) !== neq;
    return evaluateFieldTest(t, view);
  };
}

/** Whether a value test holds when the field is absent. */
function holdsOnMissing(v: ValueTest): boolean {
  return v.kind === 'null' || (v.kind === 'exists' && !v.exists);
}

/**
 * The view slot of one field, resolved on first use: a compiled rule meets one view (its rule
 * set's), and `slotOf` is a Map lookup by name that the folded-value cache would pay on every call.
 */
class FieldSlot {
  private view: EventView | undefined;
  private slot = 0;

  constructor(readonly field: string) {}

  /** Lower-cased text of the (scalar) value, cached by the view. */
  folded(view: EventView): string {
    if (view !== this.view) this.bind(view);
    return view.foldedAt(this.slot, this.field)!;
  }

  /** {@link folded} with the windash dash characters turned into `-`, cached by the view. */
  dashFolded(view: EventView): string {
    if (view !== this.view) this.bind(view);
    return view.dashFoldedAt(this.slot, this.field)!;
  }

  /** `EventView.scannedContains` for this field: whether a scan noted this event found `text`. */
  scannedContains(view: EventView, text: string): boolean | undefined {
    if (view !== this.view) this.bind(view);
    return view.scannedContainsAt(this.slot, text);
  }

  private bind(view: EventView): void {
    this.view = view;
    this.slot = view.slotOf(this.field);
  }
}

/** The text a string test reads: as written or folded, with or without dash normalisation. */
type Side = 'raw' | 'folded' | 'dashRaw' | 'dashFolded';

type StringKind = 'eq' | 'startswith' | 'endswith' | 'contains';

/** Cheap kinds first: an OR stops at the first hit, an AND at the first miss. */
const kindOrder: Record<ValueTest['kind'], number> = {
  exists: 0, null: 0, eq: 1, startswith: 2, endswith: 2, num: 3, contains: 4, glob: 5, cidr: 6, time: 7, fieldref: 7, re: 8,
};

/** The OR of an entry's value tests on a scalar value, through a {@link ValueSet} when it is long. */
function anyCheck(t: FieldTest, slot: FieldSlot): TextCheck {
  const vs = t.tests.length >= valueSetMinTests ? ValueSet.build(t.tests) : undefined;
  const rest = checksOf(vs ? vs.rest : t.tests, slot, false);
  const restCheck = anyOf(rest);
  if (!vs) return restCheck;
  return (s, view) => vs.has(slot.folded(view)) || restCheck(s, view);
}

/** The AND of value tests (`|all`) on a scalar value. */
function allChecks(tests: readonly ValueTest[], slot: FieldSlot): TextCheck {
  const checks = checksOf(tests, slot, true);
  if (checks.length === 1) return checks[0]!;
  return (s, view) => {
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(s, view)) return false;
    return true;
  };
}

function anyOf(checks: TextCheck[]): TextCheck {
  if (checks.length === 0) return () => false;
  if (checks.length === 1) return checks[0]!;
  if (checks.length === 2) {
    const [a, b] = checks as [TextCheck, TextCheck];
    return (s, view) => a(s, view) || b(s, view);
  }
  return (s, view) => {
    for (let i = 0; i < checks.length; i++) if (checks[i]!(s, view)) return true;
    return false;
  };
}

/**
 * One check per group of string tests of the same kind and side (a loop over their literals),
 * one per other test; `all` makes each group an AND.
 */
function checksOf(tests: readonly ValueTest[], slot: FieldSlot, all: boolean): TextCheck[] {
  const groups = new Map<string, StringGroup>();
  const out: { order: number; test?: ValueTest; group?: StringGroup; ranges?: CidrRange[] }[] = [];
  let ranges: CidrRange[] | undefined;
  for (const v of tests) {
    if (v.kind === 'cidr') {
      // One parse of the address for all the ranges of the entry.
      if (ranges) ranges.push(v.range);
      else out.push({ order: kindOrder.cidr, ranges: (ranges = [v.range]) });
      continue;
    }
    if (v.kind === 'eq' || v.kind === 'startswith' || v.kind === 'endswith' || v.kind === 'contains') {
      const side = sideOf(v);
      const key = `${v.kind} ${side}`;
      const g = groups.get(key);
      if (g) g.texts.push(v.text);
      else {
        const group: StringGroup = { kind: v.kind, side, texts: [v.text] };
        groups.set(key, group);
        out.push({ order: kindOrder[v.kind], group });
      }
    } else out.push({ order: kindOrder[v.kind], test: v });
  }
  // Stable: equal kinds keep the order written.
  out.sort((a, b) => a.order - b.order);
  return out.map((c) => (c.group ? stringCheck(c.group, slot, all) : c.ranges ? cidrCheck(c.ranges, all) : otherCheck(c.test!, slot)));
}

interface StringGroup {
  kind: StringKind;
  side: Side;
  texts: string[];
}

/** Reads one side of the value's text. */
type TextOf = (s: string, view: EventView) => string;

/** The side a string or glob test reads, from its `cased` and `windash` modifiers. */
function sideOf(v: { cased: boolean; dash?: boolean }): Side {
  return v.dash === true ? (v.cased ? 'dashRaw' : 'dashFolded') : v.cased ? 'raw' : 'folded';
}

/** Text of one side of the value. */
function sideText(side: Side, slot: FieldSlot): TextOf {
  switch (side) {
    case 'raw':
      return (s) => s;
    case 'folded':
      return (_s, view) => slot.folded(view);
    case 'dashRaw':
      return (s) => normalizeDashes(s);
    case 'dashFolded':
      return (_s, view) => slot.dashFolded(view);
  }
}

function stringCheck(g: StringGroup, slot: FieldSlot, all: boolean): TextCheck {
  const texts = g.texts;
  const folded = g.side === 'folded';
  switch (g.kind) {
    case 'eq': {
      if (folded && !all) {
        // Folding never shortens a text (no code point lower-cases to fewer UTF-16 units), so a
        // value longer than every literal cannot equal one: no fold, no compare (long call traces).
        let max = 0;
        for (const x of texts) if (x.length > max) max = x.length;
        return (s, view) => {
          if (s.length > max) return false;
          const f = slot.folded(view);
          for (let i = 0; i < texts.length; i++) if (f === texts[i]) return true;
          return false;
        };
      }
      return textLoop(texts, sideText(g.side, slot), all, (x, lit) => x === lit);
    }
    case 'startswith':
      return textLoop(texts, sideText(g.side, slot), all, (x, lit) => x.startsWith(lit));
    case 'endswith':
      return textLoop(texts, sideText(g.side, slot), all, (x, lit) => x.endsWith(lit));
    case 'contains':
      if (folded) return foldedContains(texts, slot, all);
      return textLoop(texts, sideText(g.side, slot), all, (x, lit) => x.includes(lit));
  }
}

/** `test` of one side's text against each literal: any of them (all of them with `all`). */
function textLoop(texts: string[], text: TextOf, all: boolean, test: (x: string, lit: string) => boolean): TextCheck {
  if (all) {
    return (s, view) => {
      const x = text(s, view);
      for (let i = 0; i < texts.length; i++) if (!test(x, texts[i]!)) return false;
      return true;
    };
  }
  return (s, view) => {
    const x = text(s, view);
    for (let i = 0; i < texts.length; i++) if (test(x, texts[i]!)) return true;
    return false;
  };
}

/**
 * Case-insensitive `contains` literals. On a long value the rule index may already have scanned
 * for a literal with its automaton this event (`scannedContains`): its answer replaces the search.
 */
function foldedContains(texts: string[], slot: FieldSlot, all: boolean): TextCheck {
  return (_s, view) => {
    const f = slot.folded(view);
    const long = f.length >= noteScanMinLength;
    for (let i = 0; i < texts.length; i++) {
      const lit = texts[i]!;
      let hit: boolean | undefined = long ? slot.scannedContains(view, lit) : undefined;
      if (hit === undefined) hit = f.includes(lit);
      if (hit !== all) return hit;
    }
    return all;
  };
}

/** The value's address in any of the ranges (all of them with `all`); a non-address in none. */
function cidrCheck(ranges: CidrRange[], all: boolean): TextCheck {
  return (s) => {
    const a = ipAddress(s);
    if (a === undefined) return false;
    for (let i = 0; i < ranges.length; i++) if (inCidr(ranges[i]!, a) !== all) return !all;
    return all;
  };
}

function otherCheck(v: ValueTest, slot: FieldSlot): TextCheck {
  switch (v.kind) {
    case 'null':
      return () => false;
    case 'exists': {
      const exists = v.exists;
      return () => exists;
    }
    case 'glob': {
      const match = globMatcher(v.parts);
      const text = sideText(sideOf(v), slot);
      return (s, view) => match(text(s, view));
    }
    case 're': {
      const pre = RegexPrefilter.of(v);
      if (pre.decides()) return (s) => pre.mayMatch(s, s);
      const re = v.re;
      const win = RegexWindow.of(v.source);
      const run = win ? (s: string) => win.test(s, (w) => re.test(w)) : (s: string) => re.test(s);
      if (!pre.readsFolded()) return (s) => pre.mayMatch(s, s) && run(s);
      return (s, view) => pre.mayMatch(s, slot.folded(view)) && run(s);
    }
    case 'fieldref':
      return (s, view) => testText(v, s, slot.folded(view), view);
    default:
      // num, time (cidr is grouped): read the text as written.
      return (s, view) => testText(v, s, s, view);
  }
}
