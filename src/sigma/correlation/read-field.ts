/**
 * Reads a field from an event: the flat key first (`destination.ip` as one key, as after field
 * mapping), then the dotted path through nested objects (ECS-shaped events).
 */
export function readField(fields: Record<string, unknown>, name: string): unknown {
  const flat = fields[name];
  if (flat !== undefined || !name.includes('.')) return flat;
  let cur: unknown = fields;
  for (const part of name.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * A string key for a field value, or undefined when the field is absent or null. Events without a
 * group-by field are left out of the correlation, as `stats … by` (Splunk) and terms aggregations
 * (Elastic) leave them out.
 */
export function valueKey(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** A numeric field value (numbers and numeric strings), or undefined. */
export function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
