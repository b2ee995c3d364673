/**
 * The intel part of the store port: STIX object versions, TAXII collections, their membership and
 * status resources, and the index of indicator values. Reached as `store.scoped(scope).intel`.
 *
 * Times named `…Us` are µs since the epoch (STIX timestamps keep sub-millisecond precision, and
 * TAXII `date_added` must be strictly increasing per collection); other times are ms like the rest
 * of the store.
 */
import type { Page, Role } from './store.js';

/** One version of a STIX object as stored; build it with `stixObjectRecord`. */
export interface StixObjectRecord {
  /** Producing organisation: the one that stored this copy. */
  orgId: string;
  id: string;
  type: string;
  specVersion: string;
  createdUs: number | null;
  /**
   * The version key: `modified`, else `created`, else 0 for objects that have no version
   * (most SCOs and marking definitions), which then have exactly one version.
   */
  modifiedUs: number;
  revoked: boolean;
  /** TLP level of the object's own markings (`clear`, `green`, `amber`, `amber+strict`, `red`), if any. */
  tlp: string | null;
  /** The object's JSON text exactly as received. */
  json: string;
}

/** STIX objects produced by the scope's organisation. */
export interface IntelObjectRepo {
  /** Stores versions; a version already stored by its organisation is left unchanged. Returns the count new. */
  put(records: StixObjectRecord[]): Promise<number>;
  /** The given version, or the latest (greatest version key) when `modifiedUs` is omitted. */
  get(id: string, modifiedUs?: number): Promise<StixObjectRecord | null>;
  /** Every stored version, oldest first. */
  versions(id: string): Promise<StixObjectRecord[]>;
  /** Latest versions, ordered by id; `cursor` is the `next` of the previous page. Revoked ones only with `includeRevoked`. */
  list(q?: { type?: string; limit?: number; cursor?: string | null; includeRevoked?: boolean }): Promise<Page<StixObjectRecord>>;
  /** Deletes every version of `id`; returns the count deleted. */
  delete(id: string): Promise<number>;
}

/** A TAXII collection and what the scope's organisation may do with it. */
export interface TaxiiCollection {
  id: string;
  /** Owning organisation: always reads and writes. */
  orgId: string;
  title: string;
  description: string | null;
  alias: string | null;
  /** Organisations granted read / write besides the owner. */
  readOrgs: string[];
  writeOrgs: string[];
  mediaTypes: string[];
  /** Lowest role that may read / write (the organisation must also be granted). */
  readRole: Role;
  writeRole: Role;
  createdAt: number;
  /** Organisation-level rights of the scope (all true for the authority-wide scope). */
  canRead: boolean;
  canWrite: boolean;
}

export interface NewTaxiiCollection {
  id?: string;
  orgId: string;
  title: string;
  description?: string | null;
  alias?: string | null;
  readOrgs?: string[];
  writeOrgs?: string[];
  mediaTypes?: string[];
  readRole?: Role;
  writeRole?: Role;
}

/** One object version in a collection. */
export interface CollectionEntry {
  record: StixObjectRecord;
  dateAddedUs: number;
}

/** `last`/`first` are per object id within the collection; a number is an exact version key. */
export type VersionFilter = 'last' | 'first' | 'all' | number;

/** Which entries of a collection to read, in date_added order. Filters combine with AND, values of one filter with OR. */
export interface CollectionEntryQuery {
  /** Only entries added strictly after this (µs); both TAXII `added_after` and paging use it. */
  afterUs?: number;
  /** Rows to return (at most 10,000); `more` tells whether further rows match. */
  limit: number;
  ids?: string[];
  types?: string[];
  /** Default `['last']`. */
  versions?: VersionFilter[];
  specVersions?: string[];
}

/** What happened to one posted version. */
export interface CollectionAddResult {
  id: string;
  modifiedUs: number;
  dateAddedUs: number;
  /** False when the collection already held this version (its date_added is unchanged). */
  added: boolean;
}

/**
 * TAXII collections visible to the scope's organisation: those it owns or is granted read or write
 * on. Any other collection behaves as missing (NOT_FOUND); a visible one without the right is FORBIDDEN.
 */
export interface TaxiiCollectionRepo {
  create(collection: NewTaxiiCollection): Promise<TaxiiCollection>;
  list(): Promise<TaxiiCollection[]>;
  get(id: string): Promise<TaxiiCollection | null>;
  /**
   * Stores the versions (as `IntelObjectRepo.put`) and adds them to the collection in one
   * transaction, each new entry with a date_added strictly greater than any before it in this
   * collection. Needs write.
   */
  addObjects(collectionId: string, records: StixObjectRecord[]): Promise<CollectionAddResult[]>;
  /** Entries in date_added order. Needs read. */
  entries(collectionId: string, q: CollectionEntryQuery): Promise<{ entries: CollectionEntry[]; more: boolean }>;
  /** Removes matching versions of one object from the collection (stored objects stay). Needs write. */
  removeObject(collectionId: string, objectId: string, q?: { versions?: VersionFilter[]; specVersions?: string[] }): Promise<number>;
}

export interface TaxiiStatusDetail {
  id: string;
  version: string;
  message?: string;
}

/** A TAXII status resource: the outcome of one POST of objects. */
export interface TaxiiStatus {
  id: string;
  /** The posting organisation: only it sees the status. */
  orgId: string;
  collectionId: string;
  status: 'pending' | 'complete';
  requestTimestamp: number;
  totalCount: number;
  successCount: number;
  failureCount: number;
  pendingCount: number;
  successes: TaxiiStatusDetail[];
  failures: TaxiiStatusDetail[];
  pendings: TaxiiStatusDetail[];
}

export interface TaxiiStatusRepo {
  create(status: TaxiiStatus): Promise<TaxiiStatus>;
  get(id: string): Promise<TaxiiStatus | null>;
}

/** One indexed observable value of an indicator (values are compared exactly: normalise before). */
export interface IndicatorValue {
  orgId: string;
  indicatorId: string;
  /** Observable type and property, e.g. `ipv4-addr`, `domain-name`, `file:hashes.'SHA-256'`. */
  type: string;
  value: string;
}

/** Search-by-value index of the scope's indicators. */
export interface IndicatorValueRepo {
  /** Replaces the values of each indicator (an empty list removes it). */
  replace(entries: { orgId: string; indicatorId: string; values: { type: string; value: string }[] }[]): Promise<void>;
  /** Indicators having `value` (of `type` when given), ordered by indicator id; limit default 100, max 1000. */
  find(q: { value: string; type?: string; limit?: number }): Promise<IndicatorValue[]>;
  /** Values of one indicator. */
  valuesOf(indicatorId: string): Promise<IndicatorValue[]>;
}

/** The intel repositories of one scope. */
export interface IntelStore {
  readonly objects: IntelObjectRepo;
  readonly collections: TaxiiCollectionRepo;
  readonly statuses: TaxiiStatusRepo;
  readonly indicatorValues: IndicatorValueRepo;
}
