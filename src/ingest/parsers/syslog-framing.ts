import { fail, ok, type ParseResult } from './parse-result.js';

/** How one frame was delimited on the wire (RFC 6587). */
export type FramingMethod = 'octet-counting' | 'non-transparent';

/** One complete syslog frame, without its octet-count header and without its trailing LF. */
export interface SyslogFrame {
  /** The message bytes: a view into the pushed chunk, or a copy the framer never touches again. */
  bytes: Uint8Array;
  /** Stream offset (bytes since the connection began) of the first byte of the frame. */
  offset: number;
  method: FramingMethod;
}

/** Options of {@link SyslogFramer}. */
export interface SyslogFramerOptions {
  /** Largest accepted message in bytes; default 65,536 (RFC 6587 receivers commonly use 64 KiB). */
  maxFrameBytes?: number;
  /** Force one method instead of detecting it; default `auto`. */
  method?: 'auto' | FramingMethod;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
/** 10 digits is already 9,999,999,999 bytes; anything longer is not a count. */
const MAX_COUNT_DIGITS = 10;

/**
 * Incremental RFC 6587 framer for one TCP connection. Push chunks as they arrive, in any sizes;
 * each call returns the frames (and framing errors) completed so far, in stream order.
 *
 * The method is detected from the first byte of a frame, as rsyslog's imtcp does: a digit means
 * octet counting (`<len> <msg>`), anything else runs to the next LF (or NUL, which some old
 * senders use). A connection that began LF-framed stays LF-framed, so a later line that
 * happens to start with a digit (plain text, a date) is not misread as a count; a connection
 * that began octet-counted still accepts an LF-framed `<PRI>` line. `method` forces one mode.
 *
 * A trailing LF, CRLF or CR is trimmed from every message, because rsyslog puts its LF inside
 * the counted bytes. A line longer than `maxFrameBytes` yields `FRAME_TOO_LARGE` once and the
 * framer discards bytes up to the next LF; an oversized octet count skips the counted bytes.
 * Frames may be views into the pushed chunk, so do not overwrite a chunk after pushing it.
 *
 * @example
 * const framer = new SyslogFramer();
 * socket.on('data', (chunk) => { for (const r of framer.push(chunk)) if (r.ok) handle(r.value.bytes); });
 * socket.on('end', () => framer.end());
 */
export class SyslogFramer {
  private readonly maxFrameBytes: number;
  /**
   * Unconsumed bytes of the current, incomplete frame, in a buffer that grows by doubling, so a
   * frame trickling in one byte per chunk costs linear, not quadratic, copying.
   */
  private pending: Uint8Array = new Uint8Array(0);
  private pendingLen = 0;
  /** Where the LF search in `pending` may resume: bytes before it were already scanned. */
  private scanHint = 0;
  /** Stream offset of `pending[0]`. */
  private pendingOffset = 0;
  /** Bytes still to drop, of an octet-counted frame that was too large. */
  private skipBytes = 0;
  /** True while dropping an oversized line up to its LF. */
  private skipToLf = false;
  private firstMethod: FramingMethod | undefined;
  private readonly forced: FramingMethod | undefined;
  private lineFramed = false;

  constructor(options: SyslogFramerOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? 65_536;
    this.forced = options.method === 'auto' ? undefined : options.method;
    this.lineFramed = this.forced === 'non-transparent';
  }

  /** The method of the first frame on this connection (undefined before any frame). */
  get detectedMethod(): FramingMethod | undefined {
    return this.firstMethod;
  }

  /** Feeds the next chunk; returns the frames and errors it completed. */
  push(chunk: Uint8Array): ParseResult<SyslogFrame>[] {
    const out: ParseResult<SyslogFrame>[] = [];
    const base = this.pendingOffset;
    if (this.pendingLen === 0) {
      // Fast path: frames are views into the caller's chunk, nothing is copied.
      const pos = this.consume(chunk, base, out, false);
      if (pos < chunk.length) this.append(chunk.subarray(pos));
      this.pendingOffset = base + pos;
      return out;
    }
    this.append(chunk);
    const buf = this.pending.subarray(0, this.pendingLen);
    const pos = this.consume(buf, base, out, true);
    if (pos > 0) this.pending.copyWithin(0, pos, this.pendingLen);
    this.pendingLen -= pos;
    this.pendingOffset = base + pos;
    return out;
  }

  private append(bytes: Uint8Array): void {
    const needed = this.pendingLen + bytes.length;
    if (needed > this.pending.length) {
      const grown = new Uint8Array(Math.max(needed, this.pending.length * 2, 1024));
      grown.set(this.pending.subarray(0, this.pendingLen), 0);
      this.pending = grown;
    }
    this.pending.set(bytes, this.pendingLen);
    this.pendingLen = needed;
  }

  /**
   * Ends the connection: a last LF-framed message without its LF is returned as a frame, and an
   * incomplete octet-counted frame is reported as `FRAME_TRUNCATED` with how many bytes were missing.
   */
  end(): ParseResult<SyslogFrame>[] {
    const out: ParseResult<SyslogFrame>[] = [];
    const buf = this.pending.slice(0, this.pendingLen);
    const offset = this.pendingOffset;
    this.pending = new Uint8Array(0);
    this.pendingLen = 0;
    this.scanHint = 0;
    this.pendingOffset += buf.length;
    if (this.skipBytes > 0) {
      out.push(fail('FRAME_TRUNCATED', `connection ended ${this.skipBytes} bytes before the end of an oversized octet-counted frame`, { offset: this.pendingOffset }));
      this.skipBytes = 0;
      return out;
    }
    if (this.skipToLf || buf.length === 0) {
      this.skipToLf = false;
      return out;
    }
    const first = buf[0] ?? 0;
    if (isDigit(first) && !this.lineFramed) {
      const header = readCount(buf, 0);
      const message = header.kind === 'ok'
        ? `connection ended inside an octet-counted frame: ${header.count} bytes announced, ${buf.length - header.start} received`
        : `connection ended inside an octet-count header ('${ascii(buf, 0, Math.min(buf.length, 12))}')`;
      out.push(fail('FRAME_TRUNCATED', message, { offset }));
      return out;
    }
    const frame = trimFrame(buf, 0, buf.length);
    if (frame.length > 0) out.push(ok({ bytes: frame, offset, method: 'non-transparent' }));
    return out;
  }

  /**
   * Consumes complete frames from `buf`; returns the index of the first unconsumed byte. Frames
   * cut from the internal buffer (`copy`) are copied, since that buffer is reused.
   */
  private consume(buf: Uint8Array, base: number, out: ParseResult<SyslogFrame>[], copy: boolean): number {
    let pos = 0;
    const hint = copy ? this.scanHint : 0;
    this.scanHint = 0;
    const len = buf.length;
    while (pos < len) {
      if (this.skipBytes > 0) {
        const n = Math.min(this.skipBytes, len - pos);
        this.skipBytes -= n;
        pos += n;
        continue;
      }
      if (this.skipToLf) {
        const lf = buf.indexOf(LF, pos);
        if (lf < 0) return len;
        this.skipToLf = false;
        pos = lf + 1;
        continue;
      }
      const b = buf[pos] ?? 0;
      // Separators between frames (stray LF after an octet frame, CRLF, NUL) carry no message.
      if (b === LF || b === CR || b === NUL) {
        pos++;
        continue;
      }
      if (this.forced === 'octet-counting' && !isDigit(b)) {
        out.push(fail('FRAME_BAD_OCTET_COUNT', `expected an octet count, got byte 0x${b.toString(16).padStart(2, '0')}; skipped to the next LF`, { offset: base + pos }));
        this.skipToLf = true;
        continue;
      }
      if (isDigit(b) && !this.lineFramed) {
        const header = readCount(buf, pos);
        if (header.kind === 'incomplete') return pos;
        if (header.kind === 'bad') {
          out.push(fail('FRAME_BAD_OCTET_COUNT', header.message, { offset: base + pos }));
          this.skipToLf = true;
          pos = header.end;
          continue;
        }
        this.noteMethod('octet-counting');
        if (header.count > this.maxFrameBytes) {
          out.push(fail('FRAME_TOO_LARGE', `octet count ${header.count} exceeds the limit of ${this.maxFrameBytes} bytes; frame skipped`, { offset: base + pos }));
          this.skipBytes = header.count;
          pos = header.start;
          continue;
        }
        const end = header.start + header.count;
        if (end > len) return pos;
        const frame = trimFrame(buf, header.start, end);
        out.push(ok({ bytes: copy ? frame.slice() : frame, offset: base + pos, method: 'octet-counting' }));
        pos = end;
        continue;
      }
      const stop = findTerminator(buf, pos === 0 ? hint : pos);
      if (stop < 0) {
        if (len - pos > this.maxFrameBytes) {
          out.push(fail('FRAME_TOO_LARGE', `line longer than ${this.maxFrameBytes} bytes without LF; discarded up to the next LF`, { offset: base + pos }));
          this.skipToLf = true;
          return len;
        }
        this.scanHint = len - pos;
        return pos;
      }
      this.noteMethod('non-transparent');
      if (this.firstMethod === 'non-transparent') this.lineFramed = true;
      if (stop - pos > this.maxFrameBytes) {
        out.push(fail('FRAME_TOO_LARGE', `line of ${stop - pos} bytes exceeds the limit of ${this.maxFrameBytes} bytes; discarded`, { offset: base + pos }));
      } else {
        const frame = trimFrame(buf, pos, stop);
        if (frame.length > 0) out.push(ok({ bytes: copy ? frame.slice() : frame, offset: base + pos, method: 'non-transparent' }));
      }
      pos = stop + 1;
    }
    return pos;
  }

  private noteMethod(method: FramingMethod): void {
    if (this.firstMethod === undefined) this.firstMethod = method;
  }
}

type CountHeader =
  | { kind: 'ok'; count: number; start: number }
  | { kind: 'incomplete' }
  | { kind: 'bad'; message: string; end: number };

/** Reads `<digits> SP` at `pos`; `start` is the index of the first message byte. */
function readCount(buf: Uint8Array, pos: number): CountHeader {
  let i = pos;
  let count = 0;
  while (i < buf.length && isDigit(buf[i] ?? 0)) {
    if (i - pos >= MAX_COUNT_DIGITS) {
      return { kind: 'bad', message: `octet count longer than ${MAX_COUNT_DIGITS} digits`, end: i };
    }
    count = count * 10 + ((buf[i] ?? 0) - 0x30);
    i++;
  }
  if (i === buf.length) return { kind: 'incomplete' };
  if (buf[i] !== SP) {
    return { kind: 'bad', message: `octet count '${ascii(buf, pos, i + 1)}' is not followed by a space (byte 0x${(buf[i] ?? 0).toString(16).padStart(2, '0')})`, end: i };
  }
  if (count === 0) return { kind: 'bad', message: 'octet count is 0', end: i };
  return { kind: 'ok', count, start: i + 1 };
}

function findTerminator(buf: Uint8Array, pos: number): number {
  for (let i = pos; i < buf.length; i++) {
    const b = buf[i];
    if (b === LF || b === NUL) return i;
  }
  return -1;
}

/** Drops one trailing LF and then one CR (CRLF senders, rsyslog's counted LF). */
function trimFrame(buf: Uint8Array, start: number, end: number): Uint8Array {
  let e = end;
  if (e > start && buf[e - 1] === LF) e--;
  if (e > start && buf[e - 1] === CR) e--;
  return buf.subarray(start, e);
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

function ascii(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const b = buf[i] ?? 0;
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  }
  return s;
}
