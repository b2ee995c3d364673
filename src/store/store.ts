/**
 * The store port: the only way the rest of Shieldwall reads or writes persistent records.
 *
 * Tenancy is structural: every record carries `orgId`, and every repository is reached through
 * `Store.scoped(scope)`, so no query can be written without an organisation scope. The only
 * authority-wide scope is explicit, names an actor and a reason, and is written to the audit log.
 * There are two unscoped reads: `Store.auth.findToken`, because authentication happens before a
 * scope is known, and `Store.orgGraph`, the shape of the organisation tree (ids and parents, no
 * names) that TLP needs to decide who may receive what.
 */

import type { FeedSubscriptionRepo } from './feed-subscription-store.js';
import type { IntelStore } from './intel-store.js';

export type * from './feed-subscription-store.js';
export type * from './intel-store.js';

/**
 * Who a query is made for. An authority scope reaches every organisation, or only `orgId` when
 * given (an authority acting on one organisation's records); either way each call is audited.
 */
export type Scope =
  | { readonly kind: 'org'; readonly orgId: string }
  | { readonly kind: 'authority'; readonly actor: string; readonly reason: string; readonly orgId?: string };

export const orgScope = (orgId: string): Scope => ({ kind: 'org', orgId });

export interface Organisation {
  id: string;
  name: string;
  /** Parent organisation (a member's subsidiary, a CERT's constituency), or null. */
  parentId: string | null;
  createdAt: number;
}

export type Role = 'admin' | 'analyst' | 'responder' | 'viewer' | 'sensor';
export const roles: readonly Role[] = ['admin', 'analyst', 'responder', 'viewer', 'sensor'];

/**
 * One node of the organisation tree as the TLP release policy sees it: who is a member (GREEN
 * community) and who is whose client (AMBER). Deliberately nothing else: no name, no dates.
 */
export interface OrgGraphNode {
  id: string;
  parentId: string | null;
}

export interface ApiToken {
  id: string;
  orgId: string;
  role: Role;
  name: string;
  /** scrypt hash of the secret part, `scrypt$N$r$p$salt$hash` (never the secret). */
  secretHash: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface StoredEvent {
  id: string;
  orgId: string;
  /** Event time (ms epoch) as reported by the source, or the receive time when absent. */
  time: number;
  receivedAt: number;
  /** Input that produced it: `http`, `syslog-udp`, `file`, ... */
  source: string;
  /** Sigma logsource triple, when classified. */
  product: string | null;
  category: string | null;
  service: string | null;
  /** Free text used for full-text search. */
  message: string | null;
  /** The event itself (raw fields plus normalized ECS subset). */
  data: Record<string, unknown>;
}

/**
 * An event to insert: a StoredEvent, or one whose `data` its producer already holds as JSON text
 * (`dataJson`, stored as is: the ingest hot path builds it from the text it received instead of
 * re-encoding the object). `dataJson` must be the JSON of an object; it wins over `data`.
 * In `dataJson`, `ecs.message` may be {@link messageColumnRef} when it equals `message`: the text
 * is then stored once, and every read gives `data.ecs.message` back in its place.
 *
 * `message` and `dataJson` may also be given as their UTF-8 bytes (a detection worker answers them
 * so, in one transferred buffer per batch: the ingest thread then neither copies them into its
 * heap nor converts them for SQLite). They are stored as text either way and read back as strings.
 */
export type NewEvent = Omit<StoredEvent, 'data' | 'message'> & { message: string | Uint8Array | null } & (
  | { data: Record<string, unknown>; dataJson?: string | Uint8Array }
  | { data?: undefined; dataJson: string | Uint8Array }
);

/**
 * The JSON that stands for `data.ecs.message` in a stored event when it is the event's `message`
 * (a Windows event's rendered message, ~900 of its ~1,400 bytes of ECS, would otherwise be stored
 * twice). ECS values are strings, numbers or string arrays, so this object is never a real one.
 */
export const messageColumnRef = '{"$column":"message"}';

export interface Alert {
  id: string;
  orgId: string;
  createdAt: number;
  /** Event time of the matched event. */
  time: number;
  ruleId: string;
  ruleTitle: string;
  level: string;
  /** Rule author: the DRL 1.1 licence of SigmaHQ rules requires it on every alert. */
  author: string;
  eventId: string | null;
  /** Rule metadata, matched fields and the matched event. */
  data: Record<string, unknown>;
}

export interface AuditEntry {
  seq: number;
  orgId: string;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  /** sha256 hex of (prevHash || canonical entry): a tamper-evident chain per store. */
  hash: string;
  prevHash: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or null at the end. */
  next: string | null;
}

/** A page request: `from <= time < to` (ms epoch), newest first (time desc, then id desc). */
export interface TimeRangeQuery {
  from?: number;
  to?: number;
  /** Page size: default 100, capped at 1000; not a positive integer is VALIDATION_FAILED. */
  limit?: number;
  cursor?: string | null;
}

export interface OrganisationRepo {
  create(org: { id?: string; name: string; parentId?: string | null }): Promise<Organisation>;
  get(id: string): Promise<Organisation | null>;
  /** Organisations visible in this scope (one for an org scope, all for authority). */
  list(): Promise<Organisation[]>;
}

export interface TokenRepo {
  create(token: Omit<ApiToken, 'createdAt' | 'revokedAt'> & { createdAt?: number }): Promise<ApiToken>;
  list(): Promise<ApiToken[]>;
  revoke(id: string, at: number): Promise<boolean>;
}

export interface EventRepo {
  /** Inserts events; an event whose id already exists is ignored (idempotent). Returns the count inserted. */
  insertMany(events: NewEvent[]): Promise<number>;
  get(id: string): Promise<StoredEvent | null>;
  /** `text`: case-insensitive substring of `message` (% and _ taken literally; SQLite folds ASCII case only). */
  query(q: TimeRangeQuery & { text?: string; source?: string; product?: string; category?: string }): Promise<Page<StoredEvent>>;
  /**
   * Deletes events received before `before` (retention counts from `receivedAt`, not from the
   * source's clock, which may be wrong or forged); returns the count deleted.
   */
  deleteOlderThan(before: number): Promise<number>;
  /**
   * Inserts the events of one ingest batch and records the batch as pending detection, in one
   * transaction: once this resolves, a crash cannot lose the events nor forget to detect them.
   * Idempotent like insertMany (a retried batch inserts nothing twice). All events must belong to
   * `orgId`. Returns the count of events inserted.
   */
  insertBatch(batch: { orgId: string; batchId: string; receivedAt: number }, events: NewEvent[]): Promise<number>;
  /** Batches still pending detection, oldest first. */
  pendingBatches(limit?: number): Promise<PendingBatch[]>;
  /** The events of one pending batch, in submission order; none once the batch is completed (or was never stored). */
  batchEvents(batch: { orgId: string; batchId: string }): Promise<StoredEvent[]>;
  /** Marks a batch as detected; returns false when it was not pending. */
  completeBatch(batch: { orgId: string; batchId: string }): Promise<boolean>;
}

/** An ingest batch stored but not yet through detection. */
export interface PendingBatch {
  orgId: string;
  batchId: string;
  receivedAt: number;
  count: number;
}

export interface AlertRepo {
  /** Inserts alerts; an alert with the same (orgId, ruleId, eventId) already stored is ignored. */
  insertMany(alerts: Alert[]): Promise<number>;
  get(id: string): Promise<Alert | null>;
  query(q: TimeRangeQuery & { ruleId?: string; level?: string }): Promise<Page<Alert>>;
}

export interface AuditRepo {
  append(entry: { actor: string; action: string; target?: string | null; details?: Record<string, unknown>; at: number }): Promise<AuditEntry>;
  list(q?: { limit?: number; afterSeq?: number }): Promise<AuditEntry[]>;
  /** Recomputes the hash chain; returns the first broken seq, or null when intact. */
  verify(): Promise<number | null>;
}

/**
 * Repositories bound to one scope. Under an authority scope every call first (writes) or last
 * (reads) appends `authority.<verb>.<records>` with actor, reason and the organisations touched to
 * the audit chain `authorityAuditChain` ('authority'); a failed audit fails the call. Under an
 * organisation scope, writing a record of another organisation is FORBIDDEN.
 */
export interface ScopedStore {
  /** STIX objects, TAXII collections and statuses, the indicator value index (intel-store.ts). */
  readonly intel: IntelStore;
  /** Feed subscriptions (peer TAXII collections, MISP feeds) and their poll cursors. */
  readonly feeds: FeedSubscriptionRepo;
  readonly scope: Scope;
  readonly organisations: OrganisationRepo;
  readonly tokens: TokenRepo;
  readonly events: EventRepo;
  readonly alerts: AlertRepo;
  readonly audit: AuditRepo;
}

export interface MigrationReport {
  applied: string[];
  current: string | null;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Applies pending migrations; throws ShieldwallError STORE_MIGRATION_FAILED naming the migration. */
  migrate(): Promise<MigrationReport>;
  /** Throws ShieldwallError STORE_UNAVAILABLE when the database does not answer. */
  ping(): Promise<void>;
  scoped(scope: Scope): ScopedStore;
  /** Pre-authentication lookups. */
  readonly auth: {
    findToken(id: string): Promise<ApiToken | null>;
    /** True when no organisation exists yet (first start). */
    isEmpty(): Promise<boolean>;
  };
  /**
   * Every organisation's id and parent id, in id order: an unscoped, unaudited system read for
   * policy evaluation (TLP release decisions), made per search, per early-warning update and every
   * minute by each detection process. Through an authority scope each of those would append an
   * `authority.read.organisations` entry (about 1,440 a day from the refresh timer alone) that
   * records nothing a person did; ids and parents reveal no organisation's data, so they are read
   * here instead. Anything more about an organisation (its name) stays behind `scoped()`.
   */
  orgGraph(): Promise<OrgGraphNode[]>;
  close(): Promise<void>;
}
