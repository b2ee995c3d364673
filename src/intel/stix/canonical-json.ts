/**
 * RFC 8785 JSON Canonicalization Scheme, as STIX 2.1 §2.9 requires for deterministic ids.
 * Hand-written because, for the JSON values STIX carries, JCS is exactly ECMAScript's own
 * `JSON.stringify` serialisation of strings and numbers with object keys sorted by UTF-16 code
 * units (the default `Array.prototype.sort` order); a dependency would add nothing.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('JCS cannot encode a non-finite number');
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new TypeError(`JCS cannot encode a ${typeof value}`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}
