/**
 * The substitution values of EVTX records (libevtx's value types), typed as evtx_dump
 * (omerbenamram/evtx, the tool Hayabusa and Chainsaw read logs with) writes them in JSON.
 */

const utf8 = new TextDecoder('utf-8');
/** Milliseconds from 1601-01-01 (FILETIME's epoch) to 1970-01-01. */
const filetimeEpochMs = 11_644_473_600_000;
const hex = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

/**
 * UTF-16LE text of `bytes[at, at + length)`, trailing NULs dropped. `Buffer#toString` costs a
 * third of `TextDecoder#decode` for these short strings; unlike it, it keeps a lone surrogate.
 */
export function utf16Text(bytes: Buffer, at: number, length: number): string {
  let end = at + (length & ~1);
  while (end > at && bytes[end - 1] === 0 && bytes[end - 2] === 0) end -= 2;
  if (end === at) return '';
  return ucs2Slice !== undefined ? ucs2Slice.call(bytes, at, end) : bytes.toString('utf16le', at, end);
}

/**
 * The native slice `Buffer#toString('utf16le')` dispatches to, called directly: the dispatch (an
 * encoding lookup, argument checks) was a third of the cost of these short strings. Not in Node's
 * documentation, like its siblings `utf8Slice` and `latin1Slice` that fast parsers call, so it is
 * looked up once and `toString` stands in if it is ever gone.
 */
const ucs2Slice = (Buffer.prototype as { ucs2Slice?: (this: Buffer, start: number, end: number) => string }).ucs2Slice;

/**
 * `ms` (milliseconds since 1970, UTC) and `micro` (0–999 microseconds more) in evtx_dump's form,
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ`, or '' when it is no date.
 */
function isoTime(ms: number, micro: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return '';
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  // H. Hinnant's civil_from_days.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  const fraction = String((rest - s * 1000) * 1000 + micro).padStart(6, '0');
  const y = year < 0 ? `-${String(-year).padStart(6, '0')}` : year > 9999 ? `+${String(year).padStart(6, '0')}` : String(year).padStart(4, '0');
  return `${y}-${two(month)}-${two(day)}T${two(h)}:${two(mi)}:${two(s)}.${fraction}Z`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function guid(b: Uint8Array, at: number): string {
  const x = (i: number) => hex[b[at + i]!]!;
  return `${x(3)}${x(2)}${x(1)}${x(0)}-${x(5)}${x(4)}-${x(7)}${x(6)}-${x(8)}${x(9)}-${x(10)}${x(11)}${x(12)}${x(13)}${x(14)}${x(15)}`;
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

/** A value as evtx_dump writes it in JSON. */
export type EvtxJsonValue = string | number | boolean | null | (string | number | boolean)[];

/** A 64-bit integer as a number, or as its decimal text past 2^53, which a number would round. */
function int64(n: bigint): number | string {
  return n <= 9_007_199_254_740_991n && n >= -9_007_199_254_740_991n ? Number(n) : String(n);
}

/** The shortest decimal that reads back as the same 32-bit float, as evtx_dump prints it. */
function float32(n: number): number {
  if (!Number.isFinite(n)) return n;
  for (let p = 1; p < 9; p++) {
    const v = Number(n.toPrecision(p));
    if (Math.fround(v) === n) return v;
  }
  return Number(n.toPrecision(9));
}

/**
 * One value of `type` stored in `bytes[at, at + size)`, typed as evtx_dump (omerbenamram/evtx)
 * writes it: integers, floats and booleans as JSON numbers and booleans (64-bit integers past
 * 2^53 as their decimal text), FILETIME and SYSTEMTIME as ISO 8601 with microseconds, GUIDs
 * upper-case without braces, binary as upper-case hex, `win:HexInt` as `0x…`, arrays (type | 0x80)
 * as arrays, the null type as null.
 * @throws Error when the value does not fit its size (a damaged record)
 */
export function evtxValue(bytes: Buffer, view: DataView, type: number, at: number, size: number): EvtxJsonValue {
  if (type & 0x80) return arrayValue(bytes, view, type & 0x7f, at, size);
  const need = fixedSize(type);
  if (need > size) throw new Error(`value of type 0x${type.toString(16)} needs ${need} bytes, has ${size}`);
  switch (type) {
    case 0x00: return null;
    case 0x01: return utf16Text(bytes, at, size);
    case 0x02: {
      let end = at + size;
      while (end > at && bytes[end - 1] === 0) end--;
      return utf8.decode(bytes.subarray(at, end));
    }
    case 0x03: return view.getInt8(at);
    case 0x04: return view.getUint8(at);
    case 0x05: return view.getInt16(at, true);
    case 0x06: return view.getUint16(at, true);
    case 0x07: return view.getInt32(at, true);
    case 0x08: return view.getUint32(at, true);
    case 0x09: return int64(view.getBigInt64(at, true));
    case 0x0a: return int64(view.getBigUint64(at, true));
    case 0x0b: return float32(view.getFloat32(at, true));
    case 0x0c: return view.getFloat64(at, true);
    case 0x0d: return view.getUint8(at) !== 0;
    case 0x0e: {
      let out = '';
      for (let i = at; i < at + size; i++) out += hex[bytes[i]!];
      return out;
    }
    case 0x0f: return guid(bytes, at);
    case 0x10: return size >= 8 ? int64(view.getBigUint64(at, true)) : size >= 4 ? view.getUint32(at, true) : null;
    case 0x11: {
      const ticks = view.getBigUint64(at, true);
      // Whole milliseconds since 1601 first (BigInt division truncates, which floors positives),
      // then the microseconds past them: FILETIME counts 100 ns, evtx_dump prints 6 digits.
      return isoTime(Number(ticks / 10_000n) - filetimeEpochMs, Number((ticks % 10_000n) / 10n));
    }
    case 0x12: {
      const [y, mo, , d, h, mi, s, ms] = [0, 2, 4, 6, 8, 10, 12, 14].map((o) => view.getUint16(at + o, true)) as [number, number, number, number, number, number, number, number];
      return isoTime(Date.UTC(y, mo - 1, d, h, mi, s, ms), 0);
    }
    case 0x13: return sid(view, at, size);
    case 0x14: return `0x${view.getUint32(at, true).toString(16)}`;
    case 0x15: return `0x${view.getBigUint64(at, true).toString(16)}`;
    default: return null;
  }
}

function arrayValue(bytes: Buffer, view: DataView, type: number, at: number, size: number): (string | number | boolean)[] {
  if (type === 0x01) return utf16Text(bytes, at, size).split('\u0000');
  const step = fixedSize(type);
  if (step === 0) throw new Error(`array of value type 0x${type.toString(16)} is not supported`);
  const out: (string | number | boolean)[] = [];
  for (let o = at; o + step <= at + size; o += step) {
    const v = evtxValue(bytes, view, type, o, step);
    if (v !== null && !Array.isArray(v)) out.push(v);
  }
  return out;
}

/** The text of a value, where evtx_dump needs one (a `Data` element's `Name`, mixed content): arrays joined with ','. */
export function evtxValueText(v: EvtxJsonValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}
