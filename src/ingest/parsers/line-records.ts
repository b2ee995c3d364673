import { isUtf8 } from 'node:buffer';
import type { IngestErrorCode } from './parse-result.js';

/** A line refused while splitting a body, by its 0-based line index. */
export interface LineRecordError {
  index: number;
  code: Extract<IngestErrorCode, 'FRAME_TOO_LARGE' | 'UTF8_INVALID'>;
  message: string;
}

/** The records of a line-oriented body (NDJSON, syslog or CEF text). */
export interface LineRecords {
  /**
   * Sparse: `records[i]` is line `i` (CR and LF removed). Blank and refused lines are holes, so
   * every record keeps its line index and per-record results name the caller's own positions.
   */
  records: string[];
  /** Lines over the size limit (`FRAME_TOO_LARGE`) or not valid UTF-8 (`UTF8_INVALID`). */
  errors: LineRecordError[];
  /**
   * Where each record's bytes are in the body (sparse like `records`): `starts[i]` to `ends[i]`.
   * `records[i]` is exactly these bytes decoded, so they are its UTF-8 encoding, to copy instead of
   * encoding the string again.
   */
  starts: number[];
  ends: number[];
  /**
   * Set when the lines were left undecoded (asked for, and the body is valid UTF-8): `records`
   * is then empty, and every line that is not empty and not refused has its span, blank or not;
   * {@link lineText} decodes it when it is needed.
   */
  undecoded?: true;
}

// `fatal`: invalid UTF-8 throws instead of becoming U+FFFD, in the same single pass that decodes.
const decoder = new TextDecoder('utf-8', { fatal: true });
// For lines after the first: a U+FEFF there is content, not a byte order mark.
const decoderKeepingBom = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Splits a body into one record per line. A line longer than `maxLineBytes` (CR/LF excluded) is
 * refused as `FRAME_TOO_LARGE`, a line that is not valid UTF-8 as `UTF8_INVALID` naming the line
 * and the byte; the other lines are kept. A byte order mark at the start of the body is dropped.
 *
 * A valid body is checked once (simdutf's `isUtf8`) and each line decoded on its own: decoding
 * the whole body into one string would make every line two bytes per character as soon as one
 * line held a character above U+00FF (79 of the 81 Security-Datasets files do), and a two-byte
 * line costs more everywhere after: ~3× the decode, ~1.8× the JSON.parse, twice the bytes to
 * copy to a worker, and a UTF-16 → UTF-8 conversion when SQLite binds it. The byte-by-byte
 * validation runs only when the body holds invalid UTF-8.
 *
 * @example
 * splitLineRecords(Buffer.from('{"a":1}\n\n<13>1 - - - - - - hi\r\n'), 65_536);
 * // { records: ['{"a":1}', <hole>, '<13>1 - - - - - - hi', <hole>], errors: [] }
 */
export function splitLineRecords(body: Uint8Array, maxLineBytes: number, opts: { decode?: boolean } = {}): LineRecords {
  if (!isUtf8(body)) return splitInvalidBody(body, maxLineBytes);
  const bytes = asBuffer(body);
  const out: LineRecords = { records: [], errors: [], starts: [], ends: [] };
  const decode = opts.decode !== false;
  if (!decode) out.undecoded = true;
  const bom = hasBom(bytes, 0) ? 3 : 0;
  for (let start = bom, index = 0; start <= bytes.length; index++) {
    const end = lineEnd(bytes, start);
    const stop = withoutCr(bytes, start, end);
    const from = start;
    start = end + 1;
    if (stop - from > maxLineBytes) {
      out.errors.push(tooLarge(index, stop - from, maxLineBytes));
      continue;
    }
    if (stop === from) continue;
    if (!decode) {
      out.starts[index] = from;
      out.ends[index] = stop;
      continue;
    }
    const line = bytes.toString('utf8', from, stop);
    if (line.trim() !== '') {
      out.records[index] = line;
      out.starts[index] = from;
      out.ends[index] = stop;
    }
  }
  return out;
}

/**
 * The text of a span of a valid UTF-8 body (a line {@link splitLineRecords} left undecoded), or
 * undefined when it is blank (what the decoding split leaves as a hole).
 */
export function lineText(body: Uint8Array, start: number, end: number): string | undefined {
  const line = asBuffer(body).toString('utf8', start, end);
  return line.trim() === '' ? undefined : line;
}

/** The same split, line by line on the bytes, for a body with invalid UTF-8 somewhere. */
function splitInvalidBody(body: Uint8Array, maxLineBytes: number): LineRecords {
  const out: LineRecords = { records: [], errors: [], starts: [], ends: [] };
  for (let start = 0, index = 0; start <= body.length; index++) {
    const end = lineEnd(body, start);
    const stop = withoutCr(body, start, end);
    const bytes = body.subarray(start, stop);
    const from = start;
    start = end + 1;
    if (bytes.length > maxLineBytes) {
      out.errors.push(tooLarge(index, bytes.length, maxLineBytes));
    } else if (!isUtf8(bytes)) {
      const at = invalidUtf8Offset(bytes);
      out.errors.push({ index, code: 'UTF8_INVALID', message: `line ${index + 1} is not valid UTF-8 (byte ${at} of the line, 0x${bytes[at]!.toString(16).padStart(2, '0')})` });
    } else {
      const line = (index === 0 ? decoder : decoderKeepingBom).decode(bytes);
      // A BOM the decoder dropped is not part of the record's bytes.
      if (line.trim() !== '') {
        out.records[index] = line;
        out.starts[index] = index === 0 && hasBom(bytes, 0) ? from + 3 : from;
        out.ends[index] = stop;
      }
    }
  }
  return out;
}

/**
 * How many records {@link splitLineRecords} can find in `body`, counted on the bytes alone (no
 * validation, no decoding): the lines that are not empty, not over `maxLineBytes` and not only
 * ASCII blanks. An upper bound: a line of other whitespace or of invalid UTF-8 is counted and
 * gives no record.
 */
export function countLineRecords(body: Uint8Array, maxLineBytes: number): number {
  const bytes = asBuffer(body);
  let n = 0;
  const bom = hasBom(bytes, 0) ? 3 : 0;
  for (let start = bom; start <= bytes.length;) {
    const end = lineEnd(bytes, start);
    const stop = withoutCr(bytes, start, end);
    let at = start;
    while (at < stop && isBlank(bytes[at]!)) at++;
    if (at < stop && stop - start <= maxLineBytes) n++;
    start = end + 1;
  }
  return n;
}

/** Where the line starting at `start` ends: its line feed, or the end of the body. */
function lineEnd(bytes: Uint8Array, start: number): number {
  const lf = bytes.indexOf(0x0a, start);
  return lf < 0 ? bytes.length : lf;
}

/** The end of the line from `start` to `end` without a carriage return before its line feed. */
function withoutCr(bytes: Uint8Array, start: number, end: number): number {
  return end > start && bytes[end - 1] === 0x0d ? end - 1 : end;
}

/** Space, tab, vertical tab, form feed, CR: what `trim` removes of ASCII. */
function isBlank(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/** Line `index` of a line body (CR kept), e.g. for a log sample of a rejected record. */
export function lineAt(body: Uint8Array, index: number): Uint8Array {
  const bytes = asBuffer(body);
  let start = 0;
  for (let i = 0; i < index && start <= bytes.length; i++) {
    const lf = bytes.indexOf(0x0a, start);
    start = lf < 0 ? bytes.length + 1 : lf + 1;
  }
  const lf = bytes.indexOf(0x0a, start);
  return body.subarray(Math.min(start, bytes.length), lf < 0 ? bytes.length : lf);
}

/** `body` as a Buffer over the same memory (for `indexOf` and `toString` with offsets). */
export function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.length);
}

/** Whether a UTF-8 byte order mark (EF BB BF) starts at `at`. */
function hasBom(bytes: Uint8Array, at: number): boolean {
  return bytes.length - at >= 3 && bytes[at] === 0xef && bytes[at + 1] === 0xbb && bytes[at + 2] === 0xbf;
}

function tooLarge(index: number, bytes: number, maxLineBytes: number): LineRecordError {
  return { index, code: 'FRAME_TOO_LARGE', message: `line ${index + 1} is ${bytes} bytes, above the limit of ${maxLineBytes} bytes` };
}

/**
 * Offset of the first byte that does not start a valid UTF-8 sequence (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or -1 when `bytes` is valid UTF-8.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const more = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (more === 0 || i + more >= bytes.length) return i; // not a lead byte, or cut short
    // The second byte's range is narrower after E0 (overlong), ED (surrogates), F0 (overlong) and F4 (> U+10FFFF).
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    const c1 = bytes[i + 1]!;
    if (c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= more; k++) {
      const ck = bytes[i + k]!;
      if (ck < 0x80 || ck > 0xbf) return i;
    }
    i += more + 1;
  }
  return -1;
}
