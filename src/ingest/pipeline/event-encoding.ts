import { JsonText } from '../../bus/index.js';
import { messageColumnRef, type NewEvent } from '../../store/index.js';
import type { PipelineEvent } from './pipeline-event.js';

/**
 * An accepted event encoded once, for the store and for the bus. Both forms embed the same raw JSON
 * text: the line as the sender wrote it when the parser kept the record unchanged, so the bulk of
 * each event (its raw fields) is never re-serialised on the ingest thread.
 */
export interface EncodedEvent {
  id: string;
  /**
   * The row to insert (`dataJson` = `{"format","raw","ecs"}`, as StoredEvent.data, with
   * `ecs.message` as `messageColumnRef` when it is the row's `message`).
   */
  row: NewEvent;
  /** The PipelineEvent as JSON, an element of the bus batch ('' when not asked for). */
  json: string;
  /**
   * With `rawBytes`: the row's `dataJson` in three parts, `head` + the raw JSON's UTF-8 bytes +
   * `tail`, for `prepareBatch` to write into its row buffer (`row.dataJson` is then '' until it
   * does): the ~2 KB of raw text is copied as bytes, never concatenated into a string and encoded.
   */
  dataParts?: { head: string; raw: Uint8Array; tail: string };
}

/**
 * Encodes `e` around `rawJson`, which must be the JSON text of `e.raw` (the received line, or
 * `JSON.stringify(e.raw)`). Without `busJson` only the store row is built (a claim-checked batch).
 * `rawBytes`, when given, must be the UTF-8 encoding of `rawJson`: the row is then answered as
 * `dataParts` around those bytes.
 */
export function encodeEvent(orgId: string, e: PipelineEvent, rawJson: string, busJson = true, rawBytes?: Uint8Array): EncodedEvent {
  const format = JSON.stringify(e.sourceFormat);
  const refersToMessage = e.message !== null && e.ecs.message === e.message;
  // Without the bus form, the message's JSON is never used: the stored ECS refers to the row's
  // `message` column. So ECS is stringified with an empty message in its place (same key order),
  // instead of escaping and then scanning the ~900 bytes of a Windows event's rendered text.
  const ecs = !busJson && refersToMessage ? stringifyWithoutMessage(e.ecs) : JSON.stringify(e.ecs);
  // The message is usually the event's longest text and ECS `message` too: take its JSON from the
  // ECS text rather than escaping it twice.
  const at = refersToMessage ? messageJsonAt(ecs) : undefined;
  const ls = e.logsource;
  const json = !busJson ? '' :
    `{"id":${JSON.stringify(e.id)},"time":${e.time},"receivedAt":${e.receivedAt},"source":${JSON.stringify(e.source)},` +
    `"sourceFormat":${format},"message":${at ? ecs.slice(at.start, at.end) : JSON.stringify(e.message)},"raw":${rawJson},"ecs":${ecs}` +
    `${ls ? `,"logsource":${JSON.stringify(ls)}` : ''}}`;
  // The row's `message` column holds the message: ECS refers to it instead of a second copy.
  const rowEcs = at ? ecs.slice(0, at.start) + messageColumnRef + ecs.slice(at.end) : ecs;
  const head = `{"format":${format},"raw":`;
  const tail = `,"ecs":${rowEcs}}`;
  const row: NewEvent = {
    id: e.id,
    orgId,
    time: e.time,
    receivedAt: e.receivedAt,
    source: e.source,
    product: ls?.product ?? null,
    category: ls?.category ?? null,
    service: ls?.service ?? null,
    message: e.message,
    dataJson: rawBytes ? '' : head + rawJson + tail,
  };
  return rawBytes ? { id: e.id, row, json, dataParts: { head, raw: rawBytes, tail } } : { id: e.id, row, json };
}

/** `JSON.stringify(ecs)` with `message` (present) as '': the object is restored before answering. */
function stringifyWithoutMessage(ecs: PipelineEvent['ecs']): string {
  const message = ecs.message;
  ecs.message = '';
  try {
    return JSON.stringify(ecs);
  } finally {
    ecs.message = message;
  }
}

/**
 * Where the JSON text of the `message` value is in `ecsJson`, the JSON.stringify of flat ECS fields
 * (values are strings, numbers and string arrays). Inside a JSON string every `"` is escaped, so
 * the first `"message":` after `{` or `,` is the key, and the value ends at the first `"` preceded
 * by an even number of backslashes.
 */
function messageJsonAt(ecsJson: string): { start: number; end: number } | undefined {
  let start = ecsJson.startsWith('{"message":"') ? 11 : ecsJson.indexOf(',"message":"');
  if (start < 0) return undefined;
  if (start !== 11) start += 11;
  let at = start + 1;
  for (;;) {
    const quote = ecsJson.indexOf('"', at);
    if (quote < 0) return undefined;
    let slashes = 0;
    while (ecsJson.charCodeAt(quote - 1 - slashes) === 0x5c /* \\ */) slashes++;
    if (slashes % 2 === 0) return { start, end: quote + 1 };
    at = quote + 1;
  }
}

/** The bus message of a batch (an EventBatch as JSON), assembled from encoded events. */
export function encodeBatch(orgId: string, batchId: string, events: readonly EncodedEvent[]): JsonText {
  return new JsonText(`{"orgId":${JSON.stringify(orgId)},"batchId":${JSON.stringify(batchId)},"events":[${events.map((e) => e.json).join(',')}]}`);
}

/** Splits a batch into bus messages of at most `maxBytes` of JSON each (one event may exceed it alone). */
export function splitBySize(events: EncodedEvent[], maxBytes: number): EncodedEvent[][] {
  if (!Number.isFinite(maxBytes)) return [events];
  const chunks: EncodedEvent[][] = [];
  let current: EncodedEvent[] = [];
  let size = 64;
  for (const e of events) {
    const bytes = Buffer.byteLength(e.json) + 1;
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 64;
    }
    current.push(e);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
