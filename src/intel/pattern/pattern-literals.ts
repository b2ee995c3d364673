import type { PatternLiteral } from './pattern-ast.js';
import type { Token } from './pattern-lexer.js';

/** Unescapes a StringLiteral token's text (only \' and \\ exist in the grammar). */
export function unquoteString(text: string): string {
  return text.slice(1, -1).replace(/\\(['\\])/g, '$1');
}

/**
 * A STIX timestamp as a fixed-width string `YYYY-MM-DDTHH:MM:SS.ffffffZ` that orders like the
 * instant it names. Precision stops at microseconds, as in the reference matcher. Returns
 * undefined when `text` is not a strict STIX timestamp (upper-case T and Z, seconds present).
 */
export function normalizeTimestamp(text: string): string | undefined {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?Z$/.exec(text);
  if (!m) return undefined;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const fraction = (m[7] ?? '').slice(0, 6).padEnd(6, '0');
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${fraction}Z`;
}

/** Milliseconds since the epoch (with the microsecond fraction) of a normalized timestamp. */
export function timestampMillis(normalized: string): number {
  return Date.parse(normalized.slice(0, 23) + 'Z') + Number(normalized.slice(23, 26)) / 1000;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Decodes a literal token (already known to be one of the literal kinds) into its value. */
export function literalOf(token: Token): PatternLiteral {
  const t = token.text;
  switch (token.kind) {
    case 'IntPos':
    case 'IntNeg':
      return { kind: 'int', value: Number(t) };
    case 'FloatPos':
    case 'FloatNeg':
      return { kind: 'float', value: Number(t) };
    case 'Bool':
      return { kind: 'bool', value: t === 'true' };
    case 'String':
      return { kind: 'string', value: unquoteString(t) };
    case 'Hex':
      return { kind: 'binary', value: hexToBytes(t.slice(2, -1)), encoding: 'hex' };
    case 'Binary':
      return { kind: 'binary', value: new Uint8Array(Buffer.from(t.slice(2, -1), 'base64')), encoding: 'base64' };
    case 'Timestamp':
      return { kind: 'timestamp', value: normalizeTimestamp(t.slice(2, -1))!, text: t.slice(2, -1) };
    default:
      throw new Error(`not a literal token: ${token.kind}`);
  }
}
