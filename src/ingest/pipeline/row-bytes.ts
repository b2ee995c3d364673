import type { NewEvent } from '../../store/index.js';
import type { EncodedEvent } from './event-encoding.js';

/**
 * Writes each row's `message` and `dataJson` (~0.9 and ~3 KB for a Windows event) as UTF-8 into
 * one growing buffer as the rows are made, and in the end replaces them with views of that
 * buffer's ArrayBuffer. Posted to the ingest thread, the buffer is transferred (no copy, nothing
 * in that thread's heap for its scavenger to copy) and SQLite binds the bytes without the
 * UTF-16 → UTF-8 pass a string costs it. Written as they come, the strings die young in the thread
 * that made them instead of surviving until the whole submission is encoded.
 *
 * A row given as `dataParts` (a line embedded as received) is written as its head, the line's
 * bytes copied from the body, and its tail: the same bytes as encoding `head + line + tail`.
 */
export class RowBytes {
  // `allocUnsafeSlow`: a buffer of its own, never a slice of Node's shared pool (it is transferred).
  private bytes: Buffer;
  private at = 0;
  /** Per row: start of the message (-1 without one), start of the data, end of the data (-1 without). */
  private readonly spans: number[] = [];
  private readonly rows: NewEvent[] = [];

  /**
   * `sizeHint`: the bytes expected (e.g. the body's length); the buffer grows past it if needed.
   * `reuse`: a buffer given back after its rows were stored, written over if it is large enough.
   */
  constructor(sizeHint: number, reuse?: ArrayBuffer) {
    const size = Math.max(1024, Math.ceil(sizeHint));
    // A new buffer gets a tenth more than the hint, so the next hint (a little larger, or smaller)
    // can usually be written over it when it comes back.
    this.bytes = reuse && reuse.byteLength >= size ? Buffer.from(reuse) : Buffer.allocUnsafeSlow(Math.ceil(size * 1.1));
  }

  /** Bytes written so far. */
  get written(): number {
    return this.at;
  }

  /** Writes the row's text; until {@link finish}, its `message` and `dataJson` are empty. */
  add(encoded: EncodedEvent): void {
    const r = encoded.row;
    const parts = encoded.dataParts;
    const messageAt = typeof r.message === 'string' ? this.at : -1;
    if (typeof r.message === 'string') {
      this.put(r.message);
      r.message = empty;
    }
    const dataAt = this.at;
    let dataEnd = -1;
    if (parts) {
      this.put(parts.head);
      this.room(parts.raw.length);
      this.bytes.set(parts.raw, this.at);
      this.at += parts.raw.length;
      this.put(parts.tail);
      dataEnd = this.at;
    } else if (typeof r.dataJson === 'string') {
      this.put(r.dataJson);
      dataEnd = this.at;
    }
    if (dataEnd >= 0) r.dataJson = empty;
    this.spans.push(messageAt, dataAt, dataEnd);
    this.rows.push(r);
  }

  /** Points every row at its bytes; answers the buffer to transfer (undefined without rows). */
  finish(): ArrayBuffer | undefined {
    if (this.rows.length === 0) return undefined;
    // Views are taken only now: the buffer may have grown (and moved) while rows were added.
    const base = new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.at);
    const spans = this.spans;
    for (let i = 0; i < this.rows.length; i++) {
      const r = this.rows[i]!;
      const messageAt = spans[3 * i]!;
      const dataAt = spans[3 * i + 1]!;
      const dataEnd = spans[3 * i + 2]!;
      if (messageAt >= 0) r.message = base.subarray(messageAt, dataAt);
      if (dataEnd >= 0) r.dataJson = base.subarray(dataAt, dataEnd);
    }
    return this.bytes.buffer as ArrayBuffer;
  }

  private put(text: string): void {
    // Three bytes per UTF-16 unit at most; count exactly only when that might not fit.
    if (this.bytes.length - this.at < text.length * 3) this.room(Buffer.byteLength(text));
    this.at += this.bytes.write(text, this.at);
  }

  private room(needed: number): void {
    if (this.bytes.length - this.at >= needed) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.at + needed));
    this.bytes.copy(grown, 0, 0, this.at);
    this.bytes = grown;
  }
}

/** Stands for a row's text while its bytes are written but not yet viewed. */
const empty = new Uint8Array(0);

/**
 * How many row bytes one byte of a line body makes, learnt from the last batch: the size hint of
 * the next batch's {@link RowBytes}. A Windows event's row holds its line, its message again
 * (~0.45 of the line) and its ECS, about 1.55 times the line; with a fixed 1.25 every buffer
 * outgrew its hint, was copied into one twice as large, and 20 MB buffers went round instead of
 * 13 MB ones, each counted as external memory by V8 whenever it crossed a thread, where it
 * started full collections ("external memory pressure").
 */
export class RowSizing {
  private ratio = 1.25;

  /** The bytes to expect from a body of `bodyBytes`. */
  hint(bodyBytes: number): number {
    return bodyBytes * this.ratio;
  }

  /** Learns from a batch whose body of `bodyBytes` made `written` bytes of rows. */
  learn(bodyBytes: number, written: number): void {
    if (bodyBytes > 0 && written > 0) this.ratio = Math.min(8, Math.max(0.25, written / bodyBytes));
  }
}
