/**
 * Byte-level encodings of the Sigma value modifiers (base64, base64offset, utf16*, windash).
 * Strings are handled as byte sequences: text is UTF-8 encoded unless a utf16 modifier already
 * produced bytes, exactly as pySigma does with `bytes(SigmaString)`.
 */

const utf8 = new TextEncoder();

/** A value on its way through the encoding modifiers: text, or bytes after utf16*. */
export type EncodedValue = string | Uint8Array;

function bytesOf(v: EncodedValue): Uint8Array {
  return typeof v === 'string' ? utf8.encode(v) : v;
}

/** Base64 (standard alphabet, padded) of the value's bytes. */
export function base64(v: EncodedValue): string {
  return Buffer.from(bytesOf(v)).toString('base64');
}

/**
 * The three base64 forms of a value that appears at offset 0, 1 or 2 inside a larger encoded
 * blob, with the unstable leading/trailing characters cut (pySigma's algorithm, spec "Encoding").
 */
export function base64Offsets(v: EncodedValue): string[] {
  const bytes = bytesOf(v);
  const start = [0, 2, 3];
  const end = [undefined, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const shifted = new Uint8Array(bytes.length + i);
    shifted.fill(0x20, 0, i);
    shifted.set(bytes, i);
    const enc = Buffer.from(shifted).toString('base64');
    out.push(enc.slice(start[i], end[(bytes.length + i) % 3]));
  }
  return out;
}

/** UTF-16 encodings: little-endian, big-endian, or little-endian with a BOM (`utf16`). */
export function utf16(v: EncodedValue, form: 'le' | 'be' | 'bom'): Uint8Array {
  const s = typeof v === 'string' ? v : Buffer.from(v).toString('latin1');
  const bom = form === 'bom' ? 2 : 0;
  const out = new Uint8Array(bom + s.length * 2);
  if (bom) {
    out[0] = 0xff;
    out[1] = 0xfe;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const hi = c >> 8;
    const lo = c & 0xff;
    out[bom + i * 2] = form === 'be' ? hi : lo;
    out[bom + i * 2 + 1] = form === 'be' ? lo : hi;
  }
  return out;
}

/** Bytes shown as a string of the same code units (how a utf16 value without base64 is matched). */
export function bytesAsText(v: EncodedValue): string {
  return typeof v === 'string' ? v : Buffer.from(v).toString('latin1');
}

const dashes = ['-', '/', '\u2013', '\u2014', '\u2015'];
const dashSet = new Set(dashes);
/** Upper bound on windash permutations, so a hostile rule cannot explode the load. */
const maxWindash = 5 ** 6;

/**
 * Every permutation of the dash characters `-` `/` `–` `—` `―` in `s` (spec "windash": each such
 * character may be written as any of the others).
 * @throws RangeError when the value has so many dashes that the permutations exceed 15,625.
 */
export function windashVariants(s: string): string[] {
  const positions: number[] = [];
  for (let i = 0; i < s.length; i++) if (dashSet.has(s[i]!)) positions.push(i);
  if (positions.length === 0) return [s];
  if (dashes.length ** positions.length > maxWindash) {
    throw new RangeError(`windash: too many dash characters (${positions.length}) in one value`);
  }
  let acc = [''];
  let prev = 0;
  for (const pos of positions) {
    const chunk = s.slice(prev, pos);
    const next: string[] = [];
    for (const a of acc) for (const d of dashes) next.push(a + chunk + d);
    acc = next;
    prev = pos + 1;
  }
  const tail = s.slice(prev);
  return acc.map((a) => a + tail);
}
