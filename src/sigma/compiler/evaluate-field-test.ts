import { cidrContains } from '../modifiers/cidr.js';
import { globMatch } from '../modifiers/glob-match.js';
import { normalizeDashes, type FieldTest, type NumericOp, type TimePart, type ValueTest } from '../modifiers/value-test.js';
import { noteScanMinLength, scalarText, type EventView } from './event-view.js';
import { RegexPrefilter } from './regex-prefilter.js';

/**
 * Evaluates one compiled field entry on the current event: values OR-ed (AND with `all`),
 * `neq` negating the entry for an event that has the field. Keywords look at every value.
 */
export function evaluateFieldTest(t: FieldTest, view: EventView): boolean {
  if (t.field === undefined) return evaluateKeywords(t, view);
  const field = t.field;
  const raw = view.get(field);
  const tests = t.tests;
  let result: boolean;
  if (t.all) {
    result = true;
    for (let i = 0; i < tests.length; i++) if (!testValue(tests[i]!, raw, field, view)) { result = false; break; }
  } else {
    result = false;
    for (let i = 0; i < tests.length; i++) if (testValue(tests[i]!, raw, field, view)) { result = true; break; }
  }
  if (t.neq) return raw !== undefined && raw !== null && !result;
  return result;
}

function evaluateKeywords(t: FieldTest, view: EventView): boolean {
  const texts = view.keywords();
  const check = (test: ValueTest): boolean => {
    for (const s of texts) {
      const t = isDash(test) ? normalizeDashes(s) : s;
      if (testText(test, t, t, view)) return true;
    }
    return false;
  };
  return t.all ? t.tests.every(check) : t.tests.some(check);
}

function testValue(test: ValueTest, raw: unknown, field: string, view: EventView): boolean {
  if (test.kind === 'null') return raw === undefined || raw === null;
  if (test.kind === 'exists') return (raw !== undefined) === test.exists;
  if (raw === undefined || raw === null) return false;
  if (Array.isArray(raw)) {
    for (const el of raw) {
      let s = scalarText(el);
      if (s === undefined) continue;
      if (isDash(test)) s = normalizeDashes(s);
      if (testText(test, s, s.toLowerCase(), view)) return true;
    }
    return false;
  }
  const s = scalarText(raw);
  if (s === undefined) return false;
  if (isDash(test)) return testText(test, normalizeDashes(s), view.dashFolded(field)!, view);
  const folded = view.folded(field)!;
  // A long value the index already scanned with this literal among its patterns: look it up.
  if (test.kind === 'contains' && !test.cased && folded.length >= noteScanMinLength) {
    const known = view.scannedContains(field, test.text);
    if (known !== undefined) return known;
  }
  return testText(test, s, folded, view);
}

function isDash(test: ValueTest): boolean {
  return (test as { dash?: boolean }).dash === true;
}

/** One value test on one text (`folded` = lower-cased `text`). */
export function testText(test: ValueTest, text: string, folded: string, view: EventView): boolean {
  switch (test.kind) {
    case 'eq':
      return (test.cased ? text : folded) === test.text;
    case 'contains':
      return (test.cased ? text : folded).includes(test.text);
    case 'startswith':
      return (test.cased ? text : folded).startsWith(test.text);
    case 'endswith':
      return (test.cased ? text : folded).endsWith(test.text);
    case 'glob':
      return globMatch(test.parts, test.cased ? text : folded);
    case 're':
      return RegexPrefilter.of(test).mayMatch(text, folded) && test.re.test(text);
    case 'cidr':
      return cidrContains(test.range, text);
    case 'num': {
      const n = text.trim() === '' ? NaN : Number(text);
      return !Number.isNaN(n) && compare(n, test.op, test.value);
    }
    case 'time': {
      const n = timePart(text, test.part);
      return n !== undefined && compare(n, test.op, test.value);
    }
    case 'fieldref': {
      const other = scalarText(view.get(test.other));
      if (other === undefined) return false;
      const a = test.cased ? text : folded;
      const b = test.cased ? other : other.toLowerCase();
      return test.mode === 'eq' ? a === b : test.mode === 'contains' ? a.includes(b) : test.mode === 'startswith' ? a.startsWith(b) : a.endsWith(b);
    }
    default:
      return false;
  }
}

function compare(n: number, op: NumericOp, v: number): boolean {
  switch (op) {
    case 'lt': return n < v;
    case 'lte': return n <= v;
    case 'gt': return n > v;
    case 'gte': return n >= v;
    default: return n === v;
  }
}

/** Extracts a UTC date part; epoch numbers are milliseconds, "YYYY-MM-DD hh:mm" is accepted. */
function timePart(text: string, part: TimePart): number | undefined {
  const t = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(/^\d{4}-\d\d-\d\d \d/.test(text) ? text.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? '' : 'Z') : text);
  if (!Number.isFinite(t)) return undefined;
  const d = new Date(t);
  switch (part) {
    case 'minute': return d.getUTCMinutes();
    case 'hour': return d.getUTCHours();
    case 'day': return d.getUTCDate();
    case 'month': return d.getUTCMonth() + 1;
    case 'year': return d.getUTCFullYear();
    default: {
      // ISO 8601 week number: the week with the year's first Thursday is week 1.
      const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      const dow = day.getUTCDay() || 7;
      day.setUTCDate(day.getUTCDate() + 4 - dow);
      const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
      return Math.ceil(((day.getTime() - yearStart) / 86400000 + 1) / 7);
    }
  }
}
