import type { NewEvent } from '../../store/index.js';
import type { IdGenerator } from '../../shared/ids.js';
import { lineAt, splitLineRecords } from '../parsers/index.js';
import type { PipelineEvent } from './pipeline-event.js';
import { parseRecords, type ParseRequest } from './record-parsing.js';
import { RowBytes, RowSizing } from './row-bytes.js';

/**
 * One submission to prepare on a detection thread: parse, normalise and encode its records, and
 * optionally hand the parsed events to a keeper there (detection ahead of a claim check).
 */
export interface PrepareRequest extends ParseRequest {
  /**
   * Ids for the events the records do not name (no idempotency key), used in order. Made by the
   * caller's injected generator, so a worker thread needs none.
   */
  ids?: readonly string[];
  /** Hand the parsed events to the `keep` of `prepareBatch` (detection ahead of a claim check). */
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

/**
 * What a detection thread keeps of a prepared batch between preparing and detecting it, bounded
 * by events (`count` each): beyond `maxEvents`, the oldest is dropped (its detection then reads
 * the batch from the store).
 */
export class HeldBatches<T extends { count: number }> {
  private readonly held = new Map<number, T>();
  private events = 0;

  constructor(private readonly maxEvents: number) {}

  /** Keeps `batch` under `hold`, dropping the oldest batches beyond the bound. */
  put(hold: number, batch: T): void {
    this.held.set(hold, batch);
    this.events += batch.count;
    for (const [key, old] of this.held) {
      if (this.events <= this.maxEvents || key === hold) break;
      this.drop(key, old);
    }
  }

  /** Removes and answers the batch held under `hold`, if still held. */
  take(hold: number): T | undefined {
    const batch = this.held.get(hold);
    if (batch) this.drop(hold, batch);
    return batch;
  }

  /** Events held now. */
  size(): number {
    return this.events;
  }

  private drop(hold: number, batch: T): void {
    this.held.delete(hold);
    this.events -= batch.count;
  }
}

/** Takes a submission's parsed events one by one as they are parsed (see `prepareBatch`). */
export interface EventKeeper {
  add(e: PipelineEvent): void;
  /** Where what it kept is held; undefined when it holds nothing (no event was accepted). */
  done(): BatchHolder | undefined;
}

/**
 * Prepares a submission (the same in a worker thread or inline): `parseRecords` with the caller's
 * ids. When the request asks to hold and `keep` is given, each parsed event goes to the keeper
 * it makes as soon as it is encoded, and its answer is the batch's holder. `reuse` is a row
 * buffer given back (see `DetectionEngine.recycle`), written over when large enough; `sizing`
 * (the engine's, kept across batches) sizes a line body's row buffer from the batches before.
 */
export function prepareBatch(
  req: PrepareRequest,
  fallbackIds: IdGenerator,
  keep?: (orgId: string) => EventKeeper,
  reuse?: ArrayBuffer,
  sizing: RowSizing = new RowSizing(),
): PreparedBatch {
  const ids = req.ids;
  let next = 0;
  const gen: IdGenerator = ids ? { next: () => ids[next++] ?? fallbackIds.next() } : fallbackIds;
  // Lines are decoded one by one as they are parsed (a valid body), so no line's text outlives its event.
  const split = req.lines ? splitLineRecords(req.lines.body, req.lines.maxLineBytes, { decode: false }) : undefined;
  const keeper = req.hold && keep ? keep(req.orgId) : undefined;
  const busJson = req.busJson !== false;
  const rows: NewEvent[] = [];
  const json: string[] = [];
  const eventIds: string[] = [];
  const text = new RowBytes(req.lines ? sizing.hint(req.lines.body.byteLength) : 64 * 1024, reuse);
  const parsed = parseRecords(
    split && req.lines
      ? { ...req, records: split.records, recordBytes: { body: req.lines.body, starts: split.starts, ends: split.ends, ...(split.undecoded ? { undecoded: true } : {}) } }
      : req,
    gen,
    (e, encoded) => {
      rows.push(encoded.row);
      eventIds.push(encoded.id);
      if (busJson) json.push(encoded.json);
      text.add(encoded);
      keeper?.add(e);
    },
  );
  const rejected = split && split.errors.length > 0 ? [...split.errors, ...parsed.rejected] : parsed.rejected;
  if (req.lines) sizing.learn(req.lines.body.byteLength, text.written);
  const buffer = text.finish();
  const holder = keeper?.done();
  const sample = req.lines && rejected.length > 0 ? rejectedSample(req.lines.body, rejected) : undefined;
  return {
    rows, json, ids: eventIds, rejected, formats: parsed.formats,
    ...(holder ? { holder } : {}), ...(buffer ? { buffer } : {}), ...(sample ? { rejectedSample: sample } : {}),
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

/** Counts the records of a sparse submission (holes are records refused before it, or blank lines). */
export function recordCount(records: ParseRequest['records']): number {
  let n = 0;
  for (let i = 0; i < records.length; i++) if (i in records) n++;
  return n;
}
