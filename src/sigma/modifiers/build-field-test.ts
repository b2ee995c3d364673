import { RE2JS } from 're2js';
import { parseCidr } from './cidr.js';
import { base64, base64Offsets, bytesAsText, utf16, windashVariants } from './encodings.js';
import { expandPlaceholders } from './expand-placeholders.js';
import { ONE, STAR, mapLiterals, parseSigmaPattern, patternText, wrapPattern, type PatternPart } from './sigma-pattern.js';
import { SigmaRegex } from './sigma-regex.js';
import { normalizeDashes, type FieldTest, type NumericOp, type TimePart, type ValueTest } from './value-test.js';

/** A scalar detection value as YAML gives it. */
export type DetectionValue = string | number | boolean | null;

const transforms = new Set([
  'contains', 'startswith', 'endswith', 'windash', 'base64', 'base64offset',
  'utf16le', 'utf16be', 'utf16', 'wide',
]);
const encodings = new Set(['base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide']);
const numericOps = new Set(['lt', 'lte', 'gt', 'gte']);
const timeParts = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const typeModifiers = new Set(['re', 'cidr', 'exists', 'fieldref']);
const reFlags = new Set(['i', 'm', 's']);

/** Options of {@link buildFieldTest}. */
export interface BuildOptions {
  /** Values of `%name%` placeholders for the `expand` modifier. */
  placeholders?: Record<string, string[]>;
}

interface Working {
  parts: PatternPart[];
  bytes?: Uint8Array;
}

/**
 * Compiles one detection entry `Field|mod1|mod2: values` into a {@link FieldTest}, applying every
 * modifier of the Sigma v2.1 modifiers appendix in the order written.
 * @param key the map key, e.g. `CommandLine|contains|all` (empty field name = keyword search)
 * @throws Error with a precise message (unknown modifier, bad regex, bad CIDR, wrong value type)
 */
export function buildFieldTest(key: string, values: DetectionValue[], opts: BuildOptions = {}): FieldTest {
  const parts = key.split('|');
  const fieldName = parts[0] ?? '';
  const field = fieldName === '' ? undefined : fieldName;
  let type: string | undefined;
  let op: NumericOp | undefined;
  let time: TimePart | undefined;
  const steps: string[] = [];
  let all = false;
  let cased = false;
  let neq = false;
  let expand = false;
  let reFlagBits = 0;
  for (let k = 1; k < parts.length; k++) {
    const m = parts[k]!;
    if (transforms.has(m)) steps.push(m);
    else if (m === 'all') all = true;
    else if (m === 'cased') cased = true;
    else if (m === 'neq') neq = true;
    else if (m === 'expand') expand = true;
    else if (numericOps.has(m)) op = m as NumericOp;
    else if (timeParts.has(m)) time = m as TimePart;
    else if (typeModifiers.has(m)) {
      if (type && type !== m) throw new Error(`modifiers "${type}" and "${m}" cannot be combined`);
      type = m;
    } else if (reFlags.has(m) && type === 're') {
      reFlagBits |= m === 'i' ? RE2JS.CASE_INSENSITIVE : m === 'm' ? RE2JS.MULTILINE : RE2JS.DOTALL;
    } else throw new Error(`unknown modifier "${m}" in "${key}"`);
  }
  if (op && type) throw new Error(`modifier "${op}" cannot be combined with "${type}"`);
  const tests: ValueTest[] = [];
  for (const v of values) {
    if (v === null) {
      if (type || op || time || steps.length) throw new Error(`null value cannot take modifiers in "${key}"`);
      tests.push({ kind: 'null' });
      continue;
    }
    if (type === 'exists') {
      const b = v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined;
      if (b === undefined) throw new Error(`"exists" needs true or false, got ${JSON.stringify(v)}`);
      tests.push({ kind: 'exists', exists: b });
    } else if (time) {
      tests.push({ kind: 'time', part: time, op: op ?? 'eq', value: numberOf(v, key) });
    } else if (op) {
      tests.push({ kind: 'num', op, value: numberOf(v, key) });
    } else if (type === 'cidr') {
      tests.push({ kind: 'cidr', range: parseCidr(String(v)) });
    } else if (type === 're') {
      tests.push({ kind: 're', re: compileRegex(String(v), reFlagBits), source: String(v) });
    } else if (type === 'fieldref') {
      const pos = steps.find((s) => s === 'contains' || s === 'startswith' || s === 'endswith');
      tests.push({ kind: 'fieldref', other: String(v), mode: (pos as 'contains' | undefined) ?? 'eq', cased });
    } else if (!expand && steps.length === 0 && field !== undefined) {
      tests.push(toTest(parseSigmaPattern(typeof v === 'string' ? v : String(v)), cased));
    } else if (steps.includes('windash') && !steps.some((x) => encodings.has(x))) {
      // Without an encoding after it, windash is a normalisation of both sides (see ValueTest).
      const rest = steps.filter((x) => x !== 'windash');
      for (const w of stringValues(v, rest, expand, field === undefined, opts)) {
        tests.push(toTest(mapLiterals(w.parts, normalizeDashes), cased, true));
      }
    } else {
      for (const w of stringValues(v, steps, expand, field === undefined, opts)) tests.push(toTest(w.parts, cased));
    }
  }
  // Exact-size copy: `push` leaves room for 16 more entries, and these arrays live as long as the
  // rule set (a tenth of its memory for the SigmaHQ rules).
  const out: FieldTest = { field, tests: tests.slice(), all, neq };
  if (expand) out.expand = { key, values };
  return out;
}

function numberOf(v: DetectionValue, key: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new Error(`"${key}" needs a number, got ${JSON.stringify(v)}`);
  return n;
}

function compileRegex(source: string, flagBits: number): SigmaRegex {
  try {
    return new SigmaRegex(source, flagBits);
  } catch (e) {
    throw new Error(`invalid regular expression ${JSON.stringify(source)}: ${(e as Error).message}`);
  }
}

function stringValues(v: DetectionValue, steps: string[], expand: boolean, keyword: boolean, opts: BuildOptions): Working[] {
  const raw = String(v);
  if (!expand && !keyword && steps.length === 1) {
    // The common case (`|contains`, `|startswith`, `|endswith`): no intermediate lists.
    const step = steps[0];
    const parts = parseSigmaPattern(raw);
    if (step === 'contains') return [{ parts: wrapPattern(parts, true, true) }];
    if (step === 'startswith') return [{ parts: wrapPattern(parts, false, true) }];
    if (step === 'endswith') return [{ parts: wrapPattern(parts, true, false) }];
  }
  let items: Working[] = (expand ? expandPlaceholders(raw, opts.placeholders ?? {}) : [raw]).map((s) => ({
    parts: parseSigmaPattern(s),
  }));
  for (const step of steps) items = items.flatMap((w) => applyStep(w, step));
  // Keywords search the whole event: a bare word matches anywhere, as in every Sigma backend.
  if (keyword && !steps.some((s) => s === 'startswith' || s === 'endswith' || s === 'contains')) {
    items = items.map((w) => ({ parts: wrapPattern(w.parts, true, true) }));
  }
  return items;
}

function applyStep(w: Working, step: string): Working[] {
  switch (step) {
    case 'contains':
      return [{ parts: wrapPattern(w.parts, true, true) }];
    case 'startswith':
      return [{ parts: wrapPattern(w.parts, false, true) }];
    case 'endswith':
      return [{ parts: wrapPattern(w.parts, true, false) }];
    case 'windash':
      return windashVariants(serialize(w.parts)).map((s) => ({ parts: deserialize(s) }));
    default:
      return encode(w, step);
  }
}

function encode(w: Working, step: string): Working[] {
  // Wildcards at the edges survive an encoding (`|contains|base64offset`); inner ones cannot.
  const lead = w.parts[0] === STAR;
  const trail = w.parts.length > 1 && w.parts[w.parts.length - 1] === STAR;
  const inner = w.parts.slice(lead ? 1 : 0, trail ? -1 : undefined);
  const text = patternText(inner);
  if (text === undefined) throw new Error(`"${step}" cannot encode a value with wildcards inside`);
  const value = w.bytes ?? text;
  const wrap = (s: string, bytes?: Uint8Array): Working => ({
    parts: wrapPattern(s ? [s] : [], lead, trail),
    ...(bytes ? { bytes } : {}),
  });
  switch (step) {
    case 'base64':
      return [wrap(base64(value))];
    case 'base64offset':
      return base64Offsets(value).map((s) => wrap(s));
    case 'utf16le':
    case 'wide': {
      const b = utf16(value, 'le');
      return [wrap(bytesAsText(b), b)];
    }
    case 'utf16be': {
      const b = utf16(value, 'be');
      return [wrap(bytesAsText(b), b)];
    }
    default: {
      const b = utf16(value, 'bom');
      return [wrap(bytesAsText(b), b)];
    }
  }
}

// Private-use code points stand for the wildcards while windash permutes the text.
const starChar = '\uE000';
const oneChar = '\uE001';

function serialize(parts: PatternPart[]): string {
  return parts.map((p) => (p === STAR ? starChar : p === ONE ? oneChar : p)).join('');
}

function deserialize(s: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let text = '';
  for (const c of s) {
    if (c === starChar || c === oneChar) {
      if (text) parts.push(text);
      text = '';
      parts.push(c === starChar ? STAR : ONE);
    } else text += c;
  }
  if (text) parts.push(text);
  return parts;
}

function toTest(parts: PatternPart[], cased: boolean, dash = false): ValueTest {
  const t = toPlainTest(parts, cased);
  return dash ? { ...t, dash: true } : t;
}

function toPlainTest(parts: PatternPart[], cased: boolean): ValueTest & { kind: 'eq' | 'startswith' | 'endswith' | 'contains' | 'glob' } {
  let p = parts;
  if (!cased) {
    p = new Array<PatternPart>(parts.length);
    for (let k = 0; k < parts.length; k++) {
      const x = parts[k]!;
      p[k] = typeof x === 'string' ? x.toLowerCase() : x;
    }
  }
  const n = p.length;
  // `*` alone (e.g. `|contains: '*'`) accepts any text: the cheapest test that says so.
  if (n === 1 && p[0] === STAR) return { kind: 'startswith', text: '', cased };
  const text = patternText(p);
  if (text !== undefined) return { kind: 'eq', text, cased };
  if (n === 3 && p[0] === STAR && p[2] === STAR && typeof p[1] === 'string') return { kind: 'contains', text: p[1], cased };
  if (n === 2 && p[1] === STAR && typeof p[0] === 'string') return { kind: 'startswith', text: p[0], cased };
  if (n === 2 && p[0] === STAR && typeof p[1] === 'string') return { kind: 'endswith', text: p[1], cased };
  return { kind: 'glob', parts: p, cased };
}
