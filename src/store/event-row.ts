import type { Selectable } from 'kysely';
import type { EventsTable } from './schema.js';
import type { StoredEvent } from './store.js';

/**
 * Rows per INSERT: 12 columns x 500 = 6,000 bound values, under SQLite's 32,766 and PostgreSQL's
 * 65,535 parameter limits, and large enough that a batch costs one round trip per 500 events.
 */
export const insertChunk = 500;

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
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

