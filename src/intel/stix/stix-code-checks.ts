import type { StixValidationError } from './stix-validator.js';
import { parseStixId } from './stix-id.js';
import { compareStixTimestamps, isStixTimestamp } from './stix-timestamp.js';
import { resolveSelector } from './granular-selector.js';

/** Pairs of timestamps where the second must not be before the first (STIX 2.1 §3.2, §4.7, §4.13, §5.2). */
const ORDERED: readonly [string, string, 'later' | 'not-earlier'][] = [
  ['created', 'modified', 'not-earlier'],
  ['valid_from', 'valid_until', 'later'],
  ['first_observed', 'last_observed', 'not-earlier'],
  ['first_seen', 'last_seen', 'not-earlier'],
  ['start_time', 'stop_time', 'later'],
];

/**
 * Deepest nesting accepted. Real STIX content stays under ten levels (file → extensions →
 * ntfs-ext → alternate_data_streams → entry); a peer's 200,000-level custom property parses but
 * cannot be serialised again (JSON.stringify recurses), so it would fail later, in storage.
 */
export const MAX_STIX_DEPTH = 32;

/**
 * What the OASIS schemas cannot express and their README asks implementations to check in code:
 * the id's prefix is the object's type, time ranges run forwards, and granular-marking selectors
 * name content the object really has.
 */
export function stixCodeChecks(object: Record<string, unknown>): StixValidationError[] {
  const errors: StixValidationError[] = [];
  const tooDeep = firstTooDeep(object);
  if (tooDeep !== undefined) return [{ path: tooDeep, message: `nested deeper than ${MAX_STIX_DEPTH} levels` }];
  const type = object.type as string;
  if (typeof object.id === 'string') {
    const parsed = parseStixId(object.id);
    if (parsed && parsed.type !== type) errors.push({ path: '/id', message: `id prefix "${parsed.type}" does not match type "${type}"` });
  }
  for (const [from, to, rule] of ORDERED) {
    const a = object[from];
    const b = object[to];
    if (!isStixTimestamp(a) || !isStixTimestamp(b)) continue;
    const order = compareStixTimestamps(a, b);
    if (rule === 'later' ? order >= 0 : order > 0) {
      errors.push({ path: `/${to}`, message: `must be ${rule === 'later' ? 'later than' : 'at or after'} "${from}" (${a})` });
    }
  }
  const granular = object.granular_markings;
  if (Array.isArray(granular)) {
    granular.forEach((marking, i) => {
      const selectors = (marking as { selectors?: unknown }).selectors;
      if (!Array.isArray(selectors)) return;
      selectors.forEach((selector, j) => {
        if (typeof selector === 'string' && resolveSelector(object, selector) === undefined) {
          errors.push({ path: `/granular_markings/${i}/selectors/${j}`, message: `selector "${selector}" names no content of this object` });
        }
      });
    });
  }
  return errors;
}

/** JSON Pointer of the first value nested deeper than `MAX_STIX_DEPTH`, found without recursion. */
function firstTooDeep(root: unknown): string | undefined {
  const stack: [unknown, number, string][] = [[root, 0, '']];
  while (stack.length > 0) {
    const [value, depth, path] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_STIX_DEPTH) return path;
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [k, v] of entries) if (v !== null && typeof v === 'object') stack.push([v, depth + 1, `${path}/${k}`]);
  }
  return undefined;
}
