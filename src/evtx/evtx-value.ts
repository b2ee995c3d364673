/**
 * Text of the substitution values of EVTX records (libevtx's value types), as event log viewers
 * and the evtx_dump layout show them. Arrays (type | 0x80) join their elements with ', '.
 */

const utf16 = new TextDecoder('utf-16le');
const utf8 = new TextDecoder('utf-8');
/** Microseconds × 10 between 1601-01-01 and 1970-01-01, as FILETIME counts. */
const filetimeEpoch = 116_444_736_000_000_000n;
/** Characters an XML 1.0 text cannot hold, which viewers (and the XML rendering) drop. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlChars = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]/g;
const hex = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

/** `text` without the control characters an XML text cannot hold. */
export function xmlSafe(text: string): string {
  controlChars.lastIndex = 0;
  if (!controlChars.test(text)) return text;
  controlChars.lastIndex = 0;
  return text.replace(controlChars, '');
}

/** UTF-16LE text of `bytes[at, at + length)`, trailing NULs dropped. */
export function utf16Text(bytes: Uint8Array, at: number, length: number): string {
  let end = at + (length & ~1);
  while (end > at && bytes[end - 1] === 0 && bytes[end - 2] === 0) end -= 2;
  return end === at ? '' : utf16.decode(bytes.subarray(at, end));
}

function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

function guid(v: DataView, at: number): string {
  const b = (i: number) => hex[v.getUint8(at + i)]!;
  const d1 = v.getUint32(at, true).toString(16).toUpperCase().padStart(8, '0');
  const d2 = v.getUint16(at + 4, true).toString(16).toUpperCase().padStart(4, '0');
  const d3 = v.getUint16(at + 6, true).toString(16).toUpperCase().padStart(4, '0');
  return `{${d1}-${d2}-${d3}-${b(8)}${b(9)}-${b(10)}${b(11)}${b(12)}${b(13)}${b(14)}${b(15)}}`;
}

function sid(v: DataView, at: number, size: number): string {
  const revision = v.getUint8(at);
  const count = v.getUint8(at + 1);
  if (size < 8 + 4 * count) throw new Error(`SID of ${count} sub-authorities in ${size} bytes`);
  // The 48-bit authority is big-endian; in practice only its low 32 bits are used.
  const authority = v.getUint16(at + 2) * 2 ** 32 + v.getUint32(at + 4);
  let out = `S-${revision}-${authority}`;
  for (let i = 0; i < count; i++) out += `-${v.getUint32(at + 8 + 4 * i, true)}`;
  return out;
}

/** Size of one element of a fixed-size type, or 0 for variable-size types. */
function fixedSize(type: number): number {
  switch (type) {
    case 0x03: case 0x04: return 1;
    case 0x05: case 0x06: return 2;
    case 0x07: case 0x08: case 0x0b: case 0x0d: case 0x14: return 4;
    case 0x09: case 0x0a: case 0x0c: case 0x11: case 0x15: return 8;
    case 0x0f: case 0x12: return 16;
    default: return 0;
  }
}

/**
 * Text of one value of `type` stored in `bytes[at, at + size)`.
 * @throws Error when the value does not fit its size (a damaged record)
 */
export function evtxValueText(bytes: Uint8Array, view: DataView, type: number, at: number, size: number): string {
  if (type & 0x80) return arrayText(bytes, view, type & 0x7f, at, size);
  const need = fixedSize(type);
  if (need > size) throw new Error(`value of type 0x${type.toString(16)} needs ${need} bytes, has ${size}`);
  switch (type) {
    case 0x00: return '';
    case 0x01: return utf16Text(bytes, at, size);
    case 0x02: {
      let end = at + size;
      while (end > at && bytes[end - 1] === 0) end--;
      return utf8.decode(bytes.subarray(at, end));
    }
    case 0x03: return String(view.getInt8(at));
    case 0x04: return String(view.getUint8(at));
    case 0x05: return String(view.getInt16(at, true));
    case 0x06: return String(view.getUint16(at, true));
    case 0x07: return String(view.getInt32(at, true));
    case 0x08: return String(view.getUint32(at, true));
    case 0x09: return String(view.getBigInt64(at, true));
    case 0x0a: return String(view.getBigUint64(at, true));
    case 0x0b: return String(view.getFloat32(at, true));
    case 0x0c: return String(view.getFloat64(at, true));
    case 0x0d: return view.getUint8(at) !== 0 ? 'true' : 'false';
    case 0x0e: {
      let out = '';
      for (let i = at; i < at + size; i++) out += hex[bytes[i]!];
      return out;
    }
    case 0x0f: return guid(view, at);
    case 0x10: return size >= 8 ? String(view.getBigUint64(at, true)) : size >= 4 ? String(view.getUint32(at, true)) : '';
    case 0x11: {
      const ticks = view.getBigUint64(at, true);
      // Millisecond precision, the ISO form the rest of Shieldwall reads times in.
      return isoTime(Number((ticks - filetimeEpoch) / 10_000n));
    }
    case 0x12: {
      const [y, mo, , d, h, mi, s, ms] = [0, 2, 4, 6, 8, 10, 12, 14].map((o) => view.getUint16(at + o, true)) as [number, number, number, number, number, number, number, number];
      return isoTime(Date.UTC(y, mo - 1, d, h, mi, s, ms));
    }
    case 0x13: return sid(view, at, size);
    case 0x14: return `0x${view.getUint32(at, true).toString(16)}`;
    case 0x15: return `0x${view.getBigUint64(at, true).toString(16)}`;
    default: return '';
  }
}

function arrayText(bytes: Uint8Array, view: DataView, type: number, at: number, size: number): string {
  if (type === 0x01) {
    const text = utf16Text(bytes, at, size);
    return text.split('\u0000').join(', ');
  }
  const step = fixedSize(type);
  if (step === 0) throw new Error(`array of value type 0x${type.toString(16)} is not supported`);
  const parts: string[] = [];
  for (let o = at; o + step <= at + size; o += step) parts.push(evtxValueText(bytes, view, type, o, step));
  return parts.join(', ');
}
