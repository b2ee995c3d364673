import { fail, kindOf, ok, type ParseResult } from './parse-result.js';

/**
 * Parses one JSON text that must be an object (one NDJSON line). A syntax error reports the
 * character offset when the engine gives one.
 */
export function parseJsonRecord(text: string): ParseResult<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /position (\d+)/.exec(message);
    return fail('JSON_INVALID', `invalid JSON: ${message}`, at === null ? {} : { offset: Number(at[1]) });
  }
  if (!isRecord(value)) return fail('JSON_INVALID', `expected a JSON object, got ${kindOf(value)}`, { offset: 0 });
  return ok(value);
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `obj[key]`, or undefined. */
export function childRecord(obj: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = obj[key];
  return isRecord(v) ? v : undefined;
}
