import type { ColumnType } from 'kysely';
import type { IntelTables } from './intel-schema.js';

/**
 * Kysely table types of the store, shared by both dialects.
 *
 * Timestamps are ms-epoch `bigint` columns: PostgreSQL's driver returns int8 as a string and SQLite
 * returns a number, so selects are typed `number | string` and every row mapper converts with
 * `Number()` (safe: ms epochs stay far below 2^53).
 *
 * JSON (`data`, `details`) is `text` on both dialects, not `jsonb`: the store never queries inside
 * it, text keeps one code path (stringify on write, parse on read), and it returns the event exactly
 * as written (jsonb would reorder keys and drop duplicates).
 */
export type EpochMs = ColumnType<number | string, number, number>;
export type NullableEpochMs = ColumnType<number | string | null, number | null, number | null>;

export interface OrganisationsTable {
  id: string;
  name: string;
  parent_id: string | null;
  created_at: EpochMs;
}

export interface ApiTokensTable {
  id: string;
  org_id: string;
  role: string;
  name: string;
  secret_hash: string;
  created_at: EpochMs;
  expires_at: NullableEpochMs;
  revoked_at: NullableEpochMs;
}

export interface EventsTable {
  /** Order of arrival, assigned by the database (migration 0006): the rowid on SQLite, an identity on PostgreSQL. */
  seq: ColumnType<number | string, never, never>;
  org_id: string;
  id: string;
  time: EpochMs;
  received_at: EpochMs;
  source: string;
  product: string | null;
  category: string | null;
  service: string | null;
  message: string | null;
  data: string;
  /** Ingest batch the event arrived in, and its position there (migration 0002). */
  batch_id: string | null;
  batch_seq: number | null;
}

export interface AlertsTable {
  org_id: string;
  id: string;
  created_at: EpochMs;
  time: EpochMs;
  rule_id: string;
  rule_title: string;
  level: string;
  author: string;
  event_id: string | null;
  data: string;
}

export interface AuditLogTable {
  /** Global, gap-free under a single writer; unique across chains so one number names one row. */
  seq: EpochMs;
  org_id: string;
  at: EpochMs;
  actor: string;
  action: string;
  target: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/** Ingest batches stored but not yet through detection (migration 0002). */
export interface IngestBatchesTable {
  org_id: string;
  batch_id: string;
  received_at: EpochMs;
  event_count: number;
  /** Sequence range of the events this batch inserted (migration 0006); null when it inserted none. */
  first_seq: ColumnType<number | string | null, number | null | undefined, number | null>;
  last_seq: ColumnType<number | string | null, number | null | undefined, number | null>;
}

/** All tables of the store (the intel tables of migration 0003 in intel-schema.ts). */
export interface Database extends IntelTables {
  ingest_batches: IngestBatchesTable;
  organisations: OrganisationsTable;
  api_tokens: ApiTokensTable;
  events: EventsTable;
  alerts: AlertsTable;
  audit_log: AuditLogTable;
}
