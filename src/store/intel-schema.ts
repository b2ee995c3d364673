import type { EpochMs } from './schema.js';

/** µs-epoch bigint (STIX timestamps, TAXII date_added); same driver caveat as EpochMs. */
export type EpochUs = EpochMs;

/** One stored version of a STIX object (migration 0003). `revoked` is 0/1 on both dialects. */
export interface IntelObjectsTable {
  org_id: string;
  id: string;
  modified: EpochUs;
  type: string;
  spec_version: string;
  created: EpochUs | null;
  revoked: number;
  tlp: string | null;
  stored_at: EpochMs;
  json: string;
}

export interface TaxiiCollectionsTable {
  id: string;
  org_id: string;
  title: string;
  description: string | null;
  alias: string | null;
  /** JSON array of media types. */
  media_types: string;
  read_role: string;
  write_role: string;
  created_at: EpochMs;
  last_added: EpochUs;
}

export interface TaxiiCollectionGrantsTable {
  collection_id: string;
  org_id: string;
  can_read: number;
  can_write: number;
}

export interface TaxiiCollectionObjectsTable {
  collection_id: string;
  object_id: string;
  modified: EpochUs;
  date_added: EpochUs;
  org_id: string;
  /** 1 on the greatest `modified` of the object within the collection, else 0. */
  last_version: number;
}

export interface TaxiiStatusesTable {
  id: string;
  org_id: string;
  collection_id: string;
  status: string;
  request_timestamp: EpochMs;
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  /** JSON arrays of {id, version, message?}. */
  successes: string;
  failures: string;
  pendings: string;
}

export interface IndicatorValuesTable {
  org_id: string;
  indicator_id: string;
  observable_type: string;
  value: string;
}

/** The intel tables, merged into the store's Database type. */
export interface IntelTables {
  intel_objects: IntelObjectsTable;
  taxii_collections: TaxiiCollectionsTable;
  taxii_collection_grants: TaxiiCollectionGrantsTable;
  taxii_collection_objects: TaxiiCollectionObjectsTable;
  taxii_statuses: TaxiiStatusesTable;
  indicator_values: IndicatorValuesTable;
}
