import type { Selectable } from 'kysely';
import type { EventsTable } from './schema.js';
import type { NewEvent, StoredEvent } from './store.js';

/**
 * Rows per INSERT: 12 columns x 500 = 6,000 bound values, under SQLite's 32,766 and PostgreSQL's
 * 65,535 parameter limits, and large enough that a batch costs one round trip per 500 events.
 */
export const insertChunk = 500;

/** The columns a batch writer fills, in the order of {@link eventValues}. */
export const eventColumns = ['org_id', 'id', 'time', 'received_at', 'source', 'product', 'category', 'service', 'message', 'data', 'batch_id', 'batch_seq'] as const;

/** The values of a new event's row in {@link eventColumns} order, for a driver's positional parameters. */
export function eventValues(e: NewEvent, batchId: string, batchSeq: number): unknown[] {
  return [
    e.orgId, e.id, e.time, e.receivedAt, e.source, e.product ?? null, e.category ?? null, e.service ?? null,
    text(e.message), text(e.dataJson) ?? JSON.stringify(e.data ?? {}), batchId, batchSeq,
  ];
}

/**
 * {@link eventValues} with `message` and `data` left as UTF-8 bytes when given so, for SQLite,
 * whose INSERT casts them to TEXT ({@link textParameter}): no decode here, no re-encode when bound.
 */
export function eventValuesUtf8(e: NewEvent, batchId: string, batchSeq: number): unknown[] {
  return [
    e.orgId, e.id, e.time, e.receivedAt, e.source, e.product ?? null, e.category ?? null, e.service ?? null,
    e.message ?? null, e.dataJson ?? JSON.stringify(e.data ?? {}), batchId, batchSeq,
  ];
}

/**
 * The SQLite placeholder of a column in {@link eventValuesUtf8} order: `message` and `data` may be
 * bound as bytes (a BLOB), which the cast stores as TEXT with the same bytes (the database is
 * UTF-8), so reads, `LIKE` and `json_*` see text as if a string had been bound.
 */
export function textParameter(column: (typeof eventColumns)[number]): string {
  return column === 'message' || column === 'data' ? 'cast(? as text)' : '?';
}

/** The row of a new event (its `dataJson` stored as is), with its batch and position when batched. */
export function eventRow(e: NewEvent, batchId: string | null = null, batchSeq: number | null = null) {
  return {
    org_id: e.orgId, id: e.id, time: e.time, received_at: e.receivedAt, source: e.source,
    product: e.product ?? null, category: e.category ?? null, service: e.service ?? null,
    message: text(e.message), data: text(e.dataJson) ?? JSON.stringify(e.data ?? {}), batch_id: batchId, batch_seq: batchSeq,
  };
}

// `fatal`: bytes that are not UTF-8 are a producer's bug, refused rather than stored as U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A text value given as a string or as its UTF-8 bytes, as a string. */
function text(value: string | Uint8Array | null | undefined): string | null {
  return value === undefined || value === null ? null : typeof value === 'string' ? value : utf8.decode(value);
}

/** A database row as a StoredEvent. */
export function toEvent(row: Selectable<EventsTable>): StoredEvent {
  return {
    id: row.id,
    orgId: row.org_id,
    time: Number(row.time),
    receivedAt: Number(row.received_at),
    source: row.source,
    product: row.product,
    category: row.category,
    service: row.service,
    message: row.message,
    data: withEcsMessage(JSON.parse(row.data) as Record<string, unknown>, row.message),
  };
}

/** Puts the message back where the stored data has `messageColumnRef` (key order kept). */
function withEcsMessage(data: Record<string, unknown>, message: string | null): Record<string, unknown> {
  const ecs = data['ecs'] as Record<string, unknown> | undefined;
  const ref = ecs?.['message'] as Record<string, unknown> | undefined;
  if (message !== null && typeof ref === 'object' && ref !== null && ref['$column'] === 'message') ecs!['message'] = message;
  return data;
}

