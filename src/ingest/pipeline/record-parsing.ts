import { hash } from 'node:crypto';
import type { IdGenerator } from '../../shared/ids.js';
import { asBuffer, assignDefined, lineText, parseEvent, type EcsFields, type NormalizedEvent, type ParseResult } from '../parsers/index.js';
import { encodeEvent, type EncodedEvent } from './event-encoding.js';
import type { PipelineEvent } from './pipeline-event.js';

/** One submission to parse (plain data, so it can be posted to a parse worker). */
export interface ParseRequest {
  orgId: string;
  /** Input name, the events' `source`. */
  input: string;
  receivedAt: number;
  idempotencyKey?: string;
  /** May be sparse: a record keeps its index in the submission. */
  records: readonly (string | Uint8Array | Record<string, unknown>)[];
  /**
   * ECS fields the input knows about each record (by the record's index; may be sparse), e.g.
   * `log.source.address`. Merged over what the parser found, since the input saw them first-hand.
   */
  recordEcs?: readonly (EcsFields | undefined)[];
  /**
   * Encode each event for a bus batch too (default true). False when the batch travels as a
   * claim check and only the store row is needed: `EncodedEvent.json` is then empty.
   */
  busJson?: boolean;
  /**
   * The UTF-8 bytes of the string records (those of a line body: `splitLineRecords`' spans):
   * record `i` is `body[starts[i], ends[i])`. A row embedding a record as received then copies
   * these bytes instead of holding the text in its `dataJson` string (`EncodedEvent.dataParts`).
   */
  recordBytes?: {
    body: Uint8Array;
    starts: readonly number[];
    ends: readonly number[];
    /**
     * The records are these spans, not yet decoded (`records` is then empty): each is decoded
     * when it is parsed, so no line's text outlives its own event (blank lines give no record).
     */
    undecoded?: boolean;
  };
}

/** What parsing a submission gave: its events encoded for the store and the bus, and the rejects. */
export interface ParsedRecords {
  /** The events encoded (empty when `parseRecords` handed them to `each` instead). */
  events: EncodedEvent[];
  rejected: { index: number; code: string; message: string }[];
  /** Events per source format (for the parsed metric). */
  formats: [string, number][];
}

/**
 * Parses, normalises and encodes the records of one submission; the same in a worker or inline.
 * With `each`, every event goes there as soon as it is encoded, with its parsed form, and is not
 * collected: what `each` does not keep of it dies young instead of surviving the whole submission.
 */
export function parseRecords(req: ParseRequest, ids: IdGenerator, each?: (e: PipelineEvent, encoded: EncodedEvent) => void): ParsedRecords {
  const { orgId, input, receivedAt, idempotencyKey } = req;
  const events: EncodedEvent[] = [];
  const busJson = req.busJson !== false;
  const rejected: ParsedRecords['rejected'] = [];
  const formats = new Map<string, number>();
  const keyDigest = idempotencyKey ? hexDigest(`${orgId}\0${idempotencyKey}`) : '';
  const handle = (record: string | Uint8Array | Record<string, unknown>, index: number): void => {
    const { parsed, rawJson } = parseRecord(record, receivedAt);
    if (!parsed.ok) {
      rejected.push({ index, code: parsed.error.code, message: parsed.error.message });
      return;
    }
    const n = parsed.value;
    const extra = req.recordEcs?.[index];
    if (extra !== undefined) assignDefined(n.ecs, extra);
    formats.set(n.sourceFormat, (formats.get(n.sourceFormat) ?? 0) + 1);
    // With an idempotency key a retried submission gets the same ids, so it is stored once and
    // alerts once; without one every record is a new event.
    const id = idempotencyKey ? keyedEventId(keyDigest, index) : (n.id ?? ids.next());
    const e = toPipelineEvent(id, n, input, receivedAt);
    const bytes = rawJson !== undefined ? req.recordBytes : undefined;
    const rawBytes = bytes && bytes.starts[index] !== undefined ? bytes.body.subarray(bytes.starts[index], bytes.ends[index]) : undefined;
    const encoded = encodeEvent(orgId, e, rawJson ?? JSON.stringify(e.raw), busJson, rawBytes);
    if (each) each(e, encoded);
    else events.push(encoded);
  };
  const spans = req.recordBytes;
  if (spans?.undecoded) {
    // One Buffer view for the whole body: lineText would make one per line from a Uint8Array.
    const body = asBuffer(spans.body);
    // forEach skips the holes (empty and refused lines), as it does on sparse `records`.
    spans.starts.forEach((start, index) => {
      const line = lineText(body, start, spans.ends[index]!);
      if (line !== undefined) handle(line, index);
    });
  } else {
    req.records.forEach(handle);
  }
  return { events, rejected, formats: [...formats] };
}

/** The batch id of a submission with an idempotency key (the same on every retry). */
export function keyedBatchId(orgId: string, idempotencyKey: string): string {
  return digest(`${orgId}\0${idempotencyKey}`);
}

function toPipelineEvent(id: string, e: NormalizedEvent, source: string, receivedAt: number): PipelineEvent {
  return {
    id,
    time: Number.isFinite(e.time) ? e.time : receivedAt,
    receivedAt,
    source,
    sourceFormat: e.sourceFormat,
    message: e.message ?? null,
    raw: e.raw,
    ecs: e.ecs,
    ...(e.logsource ? { logsource: e.logsource } : {}),
  };
}

/**
 * Parses one record. For a JSON line the parser keeps as the event's raw fields, also answers the
 * line itself as their JSON text, so the store and the bus embed it instead of re-encoding it.
 */
function parseRecord(
  record: string | Uint8Array | Record<string, unknown>,
  receivedAt: number,
): { parsed: ParseResult<NormalizedEvent>; rawJson?: string } {
  if (typeof record === 'string' && record.charCodeAt(0) === 0x7b /* { */) {
    let obj: unknown;
    try {
      obj = JSON.parse(record);
    } catch {
      // The parser reports the precise error (code, offset).
      return { parsed: parseEvent(record, { receivedAt }) };
    }
    const parsed = parseEvent(obj as Record<string, unknown>, { receivedAt });
    return parsed.ok && parsed.value.raw === obj ? { parsed, rawJson: record } : { parsed };
  }
  return { parsed: parseEvent(record, { receivedAt }) };
}

function digest(text: string): string {
  return uuidShaped(hexDigest(text));
}

function hexDigest(text: string): string {
  // One-shot hash: a third of createHash()'s cost.
  return hash('sha256', text, 'hex');
}

/** The first 32 hex digits of `hex` in the 8-4-4-4-12 layout of a UUID. */
function uuidShaped(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The id of record `index` of a keyed submission, UUID-shaped: 80 bits of the submission's key
 * digest, then the position in 48 bits. Deterministic, so a retry stores nothing twice; and the
 * events of one submission are neighbours in the (org_id, id) index, so a batch insert dirties a
 * few of its pages instead of one 32 KiB page per event, as a digest per event did (main-thread
 * system time in bench:pipeline 12 → 7–9 µs per event).
 */
function keyedEventId(keyDigest: string, index: number): string {
  return uuidShaped(keyDigest.slice(0, 20) + index.toString(16).padStart(12, '0'));
}
