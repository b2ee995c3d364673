import type { NewEvent } from '../../store/index.js';
import type { IdGenerator } from '../../shared/ids.js';
import { lineAt, splitLineRecords } from '../parsers/index.js';
import type { EncodedEvent } from './event-encoding.js';
import type { PipelineEvent } from './pipeline-event.js';
import { parseRecords, type ParseRequest } from './record-parsing.js';

/**
 * One submission to prepare on a detection thread: parse, normalise and encode its records, and
 * optionally keep the parsed events there until the batch is detected (a claim check).
 */
export interface PrepareRequest extends ParseRequest {
  /**
   * Ids for the events the records do not name (no idempotency key), used in order. Made by the
   * caller's injected generator, so a worker thread needs none.
   */
  ids?: readonly string[];
  /** Keep the parsed events where they were parsed, for {@link HeldBatches.take}. */
  hold: boolean;
  /**
   * A line body (NDJSON, syslog or CEF lines) to split here instead of `records` (then empty), as
   * `splitLineRecords` does: its refused lines join the rejects by line index. Posted to a worker,
   * the body is transferred, not copied ({@link transferList}).
   */
  lines?: { body: Uint8Array; maxLineBytes: number };
}

/** Where a prepared batch's parsed events are held: the engine, its thread and the hold number. */
export interface BatchHolder {
  engine: number;
  slot: number;
  hold: number;
}

/** What preparing a submission gave the ingest thread. */
export interface PreparedBatch {
  /** Store rows, in submission order. */
  rows: NewEvent[];
  /** Bus JSON of each event (`busJson`), else empty. */
  json: string[];
  ids: string[];
  rejected: { index: number; code: string; message: string }[];
  formats: [string, number][];
  /** Set when the events are held (asked for, and at least one was accepted). */
  holder?: BatchHolder;
  /** Holds the rows' `message` and `dataJson` as UTF-8 (to transfer, not copy, between threads). */
  buffer?: ArrayBuffer;
  /**
   * With `lines`: the first bytes of the first rejected line (for a log sample: the caller no
   * longer has the body once it was transferred).
   */
  rejectedSample?: Uint8Array;
}

/** A held batch: the parsed events of one prepared submission, waiting for detection. */
export interface HeldBatch {
  orgId: string;
  events: PipelineEvent[];
}

/**
 * The parsed batches a detection thread keeps between preparing and detecting them, bounded by
 * events: beyond `maxEvents`, the oldest is dropped (its detection then reads it from the store).
 */
export class HeldBatches {
  private readonly held = new Map<number, HeldBatch>();
  private events = 0;

  constructor(private readonly maxEvents: number) {}

  /** Keeps `batch` under `hold`, dropping the oldest batches beyond the bound. */
  put(hold: number, batch: HeldBatch): void {
    this.held.set(hold, batch);
    this.events += batch.events.length;
    for (const [key, old] of this.held) {
      if (this.events <= this.maxEvents || key === hold) break;
      this.drop(key, old);
    }
  }

  /** Removes and answers the batch held under `hold`, if still held. */
  take(hold: number): HeldBatch | undefined {
    const batch = this.held.get(hold);
    if (batch) this.drop(hold, batch);
    return batch;
  }

  /** Events held now. */
  size(): number {
    return this.events;
  }

  private drop(hold: number, batch: HeldBatch): void {
    this.held.delete(hold);
    this.events -= batch.events.length;
  }
}

/**
 * Prepares a submission (the same in a worker thread or inline): `parseRecords` with the caller's
 * ids, and the parsed events kept in `held` under `holder.hold` when asked.
 */
export function prepareBatch(req: PrepareRequest, fallbackIds: IdGenerator, held: HeldBatches, holder: BatchHolder): PreparedBatch {
  const ids = req.ids;
  let next = 0;
  const gen: IdGenerator = ids ? { next: () => ids[next++] ?? fallbackIds.next() } : fallbackIds;
  const split = req.lines ? splitLineRecords(req.lines.body, req.lines.maxLineBytes) : undefined;
  const parsed = parseRecords(
    split && req.lines ? { ...req, records: split.records, recordBytes: { body: req.lines.body, starts: split.starts, ends: split.ends } } : req,
    gen,
  );
  const rejected = split && split.errors.length > 0 ? [...split.errors, ...parsed.rejected] : parsed.rejected;
  const rows: NewEvent[] = new Array(parsed.events.length);
  const json: string[] = req.busJson === false ? [] : new Array(parsed.events.length);
  const eventIds: string[] = new Array(parsed.events.length);
  for (let i = 0; i < parsed.events.length; i++) {
    const e = parsed.events[i]!;
    rows[i] = e.row;
    eventIds[i] = e.id;
    if (req.busJson !== false) json[i] = e.json;
  }
  const buffer = withUtf8Text(rows, parsed.events);
  const keep = req.hold && parsed.parsed.length > 0;
  if (keep) held.put(holder.hold, { orgId: req.orgId, events: parsed.parsed });
  const sample = req.lines && rejected.length > 0 ? rejectedSample(req.lines.body, rejected) : undefined;
  return {
    rows, json, ids: eventIds, rejected, formats: parsed.formats,
    ...(keep ? { holder } : {}), ...(buffer ? { buffer } : {}), ...(sample ? { rejectedSample: sample } : {}),
  };
}

/**
 * What to post with a prepare request: the ArrayBuffer of its line body, which must then be the
 * body's alone (a small Buffer may be a slice of Node's shared pool: it is copied first).
 */
export function transferList(req: PrepareRequest): ArrayBuffer[] {
  if (!req.lines) return [];
  const { body } = req.lines;
  const owned = body.buffer instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
  // `new Uint8Array(view)` copies (Buffer#slice would share the memory).
  if (!owned) req.lines.body = new Uint8Array(body);
  return [req.lines.body.buffer as ArrayBuffer];
}

/** A copy of the start of the lowest-indexed rejected line: enough for `sample`'s 120 characters. */
function rejectedSample(body: Uint8Array, rejected: readonly { index: number }[]): Uint8Array {
  let first = rejected[0]!.index;
  for (const r of rejected) if (r.index < first) first = r.index;
  // A copy: posting a view of the body would clone the whole body with it.
  return new Uint8Array(lineAt(body, first).subarray(0, 480));
}

/**
 * Replaces each row's `message` and `dataJson` strings (~0.9 and ~3 KB for a Windows event) with
 * their UTF-8 bytes, all in one ArrayBuffer answered as `buffer`. Posted to the ingest thread, the
 * buffer is transferred (no copy, nothing in that thread's heap for its scavenger to copy) and
 * SQLite binds the bytes without the UTF-16 → UTF-8 pass a string costs it. A row given as
 * `dataParts` (`events[i]`, a line embedded as received) is written as its head, the line's bytes
 * copied from the body, and its tail: the same bytes as encoding `head + line + tail`.
 */
function withUtf8Text(rows: NewEvent[], events: readonly EncodedEvent[]): ArrayBuffer | undefined {
  if (rows.length === 0) return undefined;
  // One byte per character fits ASCII text exactly; a larger character grows the buffer once.
  let size = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const parts = events[i]!.dataParts;
    size += (typeof r.message === 'string' ? r.message.length : 0) +
      (parts ? parts.head.length + parts.raw.length + parts.tail.length : typeof r.dataJson === 'string' ? r.dataJson.length : 0);
  }
  // `allocUnsafeSlow`: a buffer of its own, never a slice of Node's shared pool (it is transferred).
  let bytes = Buffer.allocUnsafeSlow(size);
  let at = 0;
  const room = (needed: number): void => {
    if (bytes.length - at >= needed) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(bytes.length * 2, at + needed));
    bytes.copy(grown, 0, 0, at);
    bytes = grown;
  };
  const put = (text: string): void => {
    // Three bytes per UTF-16 unit at most; count exactly only when that might not fit.
    if (bytes.length - at < text.length * 3) room(Buffer.byteLength(text));
    at += bytes.write(text, at);
  };
  // Offsets first: the buffer may still grow, so the views are taken once it is final.
  const spans = new Array<number>(rows.length * 3);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const parts = events[i]!.dataParts;
    spans[3 * i] = at;
    if (typeof r.message === 'string') put(r.message);
    spans[3 * i + 1] = at;
    if (parts) {
      put(parts.head);
      room(parts.raw.length);
      bytes.set(parts.raw, at);
      at += parts.raw.length;
      put(parts.tail);
    } else if (typeof r.dataJson === 'string') {
      put(r.dataJson);
    }
    spans[3 * i + 2] = at;
  }
  const base = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (typeof r.message === 'string') r.message = base.subarray(spans[3 * i]!, spans[3 * i + 1]!);
    if (typeof r.dataJson === 'string') r.dataJson = base.subarray(spans[3 * i + 1]!, spans[3 * i + 2]!);
  }
  return bytes.buffer as ArrayBuffer;
}

/** Counts the records of a sparse submission (holes are records refused before it, or blank lines). */
export function recordCount(records: ParseRequest['records']): number {
  let n = 0;
  for (let i = 0; i < records.length; i++) if (i in records) n++;
  return n;
}
