import { ShieldwallError } from '../errors/error-catalog.js';
import { orgScope, stixObjectRecord, type Scope, type StixObjectRecord, type Store } from '../store/index.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { buildBundle, organisationIdentityId, type AnyStixObject } from './stix/index.js';
import { validateStixObject } from './stix/node.js';
import { validatePattern } from './pattern/index.js';
import { tlpDefinitionsFor, tlpOf, type Recipient } from './tlp/index.js';
import type { IndicatorBroadcast, IndicatorUpdate } from './service/indicator-broadcast.js';
import type { IndicatorValueType } from './service/indicator-values.js';
import { indexedValues, indicatorView, type IndicatorView } from './service/indicator-view.js';
import { toIndicatorCsv } from './service/intel-export-formats.js';
import { stixToMispEvent } from './misp/index.js';
import { releasePolicyFor } from './service/org-release-policy.js';

/** Why one object of an import was refused. */
export interface ImportRejection {
  /** Position in the submitted list. */
  index: number;
  id: string | null;
  /** The failing property (JSON path inside the object), or null for the object as a whole. */
  property: string | null;
  reason: string;
}

/** What happened to one accepted object. */
export interface ImportAcceptance {
  index: number;
  id: string;
  modified: string | null;
  /** `new` object, `newer` version (now the current one), `duplicate` version, or `older` version (kept, not current). */
  outcome: 'new' | 'newer' | 'duplicate' | 'older';
}

export interface ImportResult {
  accepted: ImportAcceptance[];
  rejected: ImportRejection[];
}

export interface IndicatorSearch {
  /** Exact value (normalised like the index: domains, e-mail addresses and hashes in lower case). */
  value?: string;
  type?: IndicatorValueType;
  limit?: number;
  cursor?: string | null;
}

export type ExportFormat = 'stix' | 'misp' | 'csv';

export interface IntelServiceDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  /** The early-warning channel; without it, changes reach other processes at their next start. */
  broadcast?: IndicatorBroadcast;
}

/** Objects handled per store round trip. */
const chunkSize = 500;

/** The organisation a scope acts for; intel is always produced and received by one organisation. */
function orgOf(scope: Scope, what: string): string {
  if (scope.orgId === undefined) throw new ShieldwallError('BAD_REQUEST', `${what}: needs one organisation (the authority must name it)`, { where: 'org' });
  return scope.orgId;
}

/**
 * Threat intelligence of the organisations: import with per-object validation and versioning,
 * search by value, TLP-filtered export, and analyst confirmation (early warning).
 *
 * Objects are stored per producing organisation, every version kept; the current version is the
 * one with the greatest `modified`, so an older version arriving late never replaces a newer one.
 * Objects of other organisations are read only to offer them through the TLP release policy, which
 * decides per recipient; nothing is shown that the policy does not release.
 */
export class IntelService {
  constructor(private readonly deps: IntelServiceDeps) {}

  /**
   * Validates and stores STIX objects for the scope's organisation. An invalid object is listed in
   * `rejected` with its failing property and reason and never prevents the valid ones from being
   * stored. Indicators whose new version is current update the value index and are announced on
   * the early-warning channel (revoked ones are withdrawn).
   */
  async importObjects(scope: Scope, objects: readonly unknown[], opts: { source: string; actor?: string }): Promise<ImportResult> {
    const orgId = orgOf(scope, 'import');
    const scoped = this.deps.store.scoped(scope);
    const result: ImportResult = { accepted: [], rejected: [] };
    const update: IndicatorUpdate = { reason: 'import', add: [], remove: [], at: 0 };
    for (let start = 0; start < objects.length; start += chunkSize) {
      const chunk: { index: number; object: Record<string, unknown>; record: StixObjectRecord }[] = [];
      objects.slice(start, start + chunkSize).forEach((object, i) => {
        const index = start + i;
        const id = typeof (object as { id?: unknown })?.id === 'string' ? (object as { id: string }).id : null;
        const verdict = validateStixObject(object);
        if (!verdict.ok) {
          const first = verdict.errors[0];
          result.rejected.push({ index, id, property: first?.path || null, reason: first?.message ?? 'invalid STIX object' });
          return;
        }
        try {
          const o = object as Record<string, unknown>;
          // The schemas only say a pattern is a string; the grammar says whether it can ever match.
          if (o.type === 'indicator' && o.pattern_type === 'stix') checkPattern(o.pattern);
          chunk.push({ index, object: o, record: stixObjectRecord(o, orgId, tlpOf(o) ?? null) });
        } catch (err) {
          const e = err as ShieldwallError;
          result.rejected.push({ index, id, property: (e.details?.where as string | undefined) ?? null, reason: e.message });
        }
      });
      if (chunk.length === 0) continue;
      const current = new Map<string, number>();
      for (const id of new Set(chunk.map((c) => c.record.id))) {
        const latest = await scoped.intel.objects.get(id);
        if (latest) current.set(id, latest.modifiedUs);
      }
      await scoped.intel.objects.put(chunk.map((c) => c.record));
      const reindex = new Map<string, Record<string, unknown>>();
      for (const c of chunk) {
        const before = current.get(c.record.id);
        const outcome = before === undefined ? 'new' : c.record.modifiedUs > before ? 'newer' : c.record.modifiedUs === before ? 'duplicate' : 'older';
        result.accepted.push({ index: c.index, id: c.record.id, modified: typeof c.object.modified === 'string' ? c.object.modified : null, outcome });
        if (outcome === 'new' || outcome === 'newer') {
          current.set(c.record.id, c.record.modifiedUs);
          if (c.record.type === 'indicator') reindex.set(c.record.id, c.object);
        }
      }
      if (reindex.size === 0) continue;
      await scoped.intel.indicatorValues.replace(
        [...reindex].map(([indicatorId, object]) => ({ orgId, indicatorId, values: indexedValues(object) })),
      );
      // Revoked versions go out as objects, not ids: receivers need their `modified` to keep a
      // tombstone that outranks older versions still on their way.
      for (const object of reindex.values()) update.add.push({ producerOrgId: orgId, object });
    }
    if (this.deps.broadcast && (update.add.length > 0 || update.remove.length > 0)) {
      await this.deps.broadcast.publish({ ...update, at: this.deps.clock.now() });
    }
    await scoped.audit.append({
      actor: opts.actor ?? 'system:intel', action: 'intel.import', target: null, at: this.deps.clock.now(),
      details: { source: opts.source, accepted: result.accepted.length, rejected: result.rejected.length },
    });
    return result;
  }

  /**
   * Indicators the scope's organisation may see: its own and those the TLP policy releases to it.
   * With `value`, through the value index (exact match, optionally of one `type`); without, every
   * current indicator, in id order. Revoked indicators are never listed.
   */
  async searchIndicators(scope: Scope, q: IndicatorSearch): Promise<{ items: IndicatorView[]; next: string | null }> {
    const orgId = orgOf(scope, 'search');
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
    const policy = await releasePolicyFor(this.deps.store);
    const recipient: Recipient = { kind: 'org', orgId };
    // Views are built from what `release` returns, never from the stored object: a granular
    // marking may hide a property (a RED description) from this recipient while the rest goes.
    const shown = (r: StixObjectRecord, o: Record<string, unknown>) => (r.orgId === orgId ? o : policy.release(o, r.orgId, recipient));
    const items: IndicatorView[] = [];
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    if (q.value !== undefined) {
      const value = normaliseQueryValue(q.value, q.type);
      const everywhere = this.deps.store.scoped({ kind: 'authority', actor: `system:intel`, reason: `indicator search by value for ${orgId}` });
      const hits = await everywhere.intel.indicatorValues.find({ value, type: q.type, limit: 1000 });
      const seen = new Set<string>();
      for (const h of hits) {
        const key = `${h.indicatorId}\n${h.orgId}`;
        if (seen.has(key) || (after !== null && key <= after)) continue;
        seen.add(key);
        // Read with the producer's own scope: the release policy below is the gate to the caller.
        const record = await this.deps.store.scoped(orgScope(h.orgId)).intel.objects.get(h.indicatorId);
        if (!record || record.revoked) continue;
        const object = shown(record, JSON.parse(record.json) as Record<string, unknown>);
        if (object === null) continue;
        items.push(indicatorView(object, record.orgId, record.tlp));
        if (items.length > limit) break;
      }
    } else {
      const everywhere = this.deps.store.scoped({ kind: 'authority', actor: `system:intel`, reason: `indicator listing for ${orgId}` });
      let cursor: string | null = q.cursor ? decodeListCursor(q.cursor) : null;
      do {
        const page = await everywhere.intel.objects.list({ type: 'indicator', limit: 1000, cursor });
        for (const record of page.items) {
          const object = shown(record, JSON.parse(record.json) as Record<string, unknown>);
          if (object === null) continue;
          const view = indicatorView(object, record.orgId, record.tlp);
          if (q.type !== undefined && !view.values.some((v) => v.type === q.type)) continue;
          items.push(view);
          if (items.length > limit) break;
        }
        cursor = page.next;
      } while (cursor !== null && items.length <= limit);
    }
    const more = items.length > limit;
    const page = items.slice(0, limit);
    const last = page.at(-1);
    return { items: page, next: more && last ? encodeCursor(`${last.id}\n${last.producer}`) : null };
  }

  /**
   * The scope organisation's current objects that the TLP policy releases to `recipient`, as a
   * STIX 2.1 bundle, a MISP event (indicator values as IDS attributes) or CSV (one line per value).
   * Revoked objects are left out.
   */
  async exportObjects(scope: Scope, recipient: Recipient, format: ExportFormat): Promise<{ body: string; count: number; withheld: number }> {
    const orgId = orgOf(scope, 'export');
    const policy = await releasePolicyFor(this.deps.store);
    const scoped = this.deps.store.scoped(scope);
    const objects: { object: Record<string, unknown>; record: StixObjectRecord }[] = [];
    let withheld = 0;
    let cursor: string | null = null;
    do {
      const page = await scoped.intel.objects.list({ type: format === 'stix' ? undefined : 'indicator', limit: 1000, cursor });
      for (const record of page.items) {
        const object = JSON.parse(record.json) as Record<string, unknown>;
        const released = policy.release(object, orgId, recipient);
        if (released === null) withheld++;
        else objects.push({ object: released, record });
      }
      cursor = page.next;
    } while (cursor !== null);
    if (format === 'stix') {
      const released = objects.map((o) => o.object);
      // STIX 2.1 predefines only the TLP 1.0 definitions: the TLP 2.0 ones travel with the data.
      const bundle = buildBundle([...tlpDefinitionsFor(released), ...released], this.deps);
      return { body: JSON.stringify(bundle), count: objects.length, withheld };
    }
    const views = objects.map((o) => indicatorView(o.object, orgId, o.record.tlp));
    if (format === 'csv') return { body: toIndicatorCsv(views), count: views.length, withheld };
    const { event } = stixToMispEvent(
      objects.map((o) => o.object as AnyStixObject),
      {
        info: `Shieldwall indicators of ${orgId} for ${recipient.kind === 'public' ? 'public release' : recipient.orgId}`,
        now: this.deps.clock.now(),
        ids: this.deps.ids,
        org: { name: orgId, uuid: organisationIdentityId(orgId).slice('identity--'.length) },
      },
    );
    return { body: JSON.stringify(event), count: views.length, withheld };
  }

  /**
   * An analyst of the scope's organisation confirms an indicator it may see (its own or one
   * released to it): the confirmation is audited and the indicator is published on the
   * early-warning channel, so every detection stage of the node matches it within a second.
   */
  async confirmIndicator(scope: Scope, indicatorId: string, actor: string): Promise<{ id: string; producer: string; confirmedAt: number; published: boolean }> {
    const orgId = orgOf(scope, 'confirm');
    const found = await this.findIndicatorFor(orgId, indicatorId);
    if (!found) throw new ShieldwallError('NOT_FOUND', `indicator ${indicatorId} not found`, { where: 'id' });
    if (found.stored.revoked === true) throw new ShieldwallError('CONFLICT', `indicator ${indicatorId} is revoked`, { where: 'id' });
    const confirmedAt = this.deps.clock.now();
    await this.deps.store.scoped(orgScope(orgId)).audit.append({
      actor, action: 'intel.indicator.confirm', target: indicatorId, at: confirmedAt, details: { producer: found.producer },
    });
    if (this.deps.broadcast) {
      // The stored object, not the confirming organisation's redacted view: the channel feeds the
      // matchers, which release each indicator per event's organisation themselves (a copy
      // redacted for this organisation would be wrong for every other one).
      await this.deps.broadcast.publish({
        reason: 'confirm', add: [{ producerOrgId: found.producer, object: found.stored }], remove: [], confirmedBy: orgId, at: confirmedAt,
      });
    }
    return { id: indicatorId, producer: found.producer, confirmedAt, published: this.deps.broadcast !== undefined };
  }

  /**
   * The current version of an indicator if `orgId` may see it: its own first, else one released
   * to it. `stored` is the producer's object, for the internal early-warning channel only; what is
   * shown to `orgId` must come from `policy.release`.
   */
  private async findIndicatorFor(orgId: string, id: string): Promise<{ producer: string; stored: Record<string, unknown> } | null> {
    const own = await this.deps.store.scoped(orgScope(orgId)).intel.objects.get(id);
    if (own && own.type === 'indicator') return { producer: own.orgId, stored: JSON.parse(own.json) as Record<string, unknown> };
    const policy = await releasePolicyFor(this.deps.store);
    const everywhere = this.deps.store.scoped({ kind: 'authority', actor: 'system:intel', reason: `indicator ${id} for ${orgId}` });
    const versions = await everywhere.intel.objects.versions(id);
    const latestByOrg = new Map<string, StixObjectRecord>();
    for (const v of versions) latestByOrg.set(v.orgId, v);
    for (const record of latestByOrg.values()) {
      const object = JSON.parse(record.json) as Record<string, unknown>;
      if (record.type === 'indicator' && policy.mayReceive(object, record.orgId, { kind: 'org', orgId })) {
        return { producer: record.orgId, stored: object };
      }
    }
    return null;
  }
}

function checkPattern(pattern: unknown): void {
  try {
    validatePattern(String(pattern));
  } catch (err) {
    const e = err as ShieldwallError;
    throw new ShieldwallError('VALIDATION_FAILED', e.message, { where: '/pattern' });
  }
}

/** Lower-cases what the index stores in lower case; a query without a type folds unless it looks like a URL. */
function normaliseQueryValue(value: string, type: IndicatorValueType | undefined): string {
  const keepCase: readonly IndicatorValueType[] = ['url', 'user-agent', 'ipv6-addr'];
  if (type !== undefined) return keepCase.includes(type) ? value : value.toLowerCase();
  return /^[a-z]+:\/\//i.test(value) || /\s/.test(value) ? value : value.toLowerCase();
}

function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!key.includes('\n')) throw new ShieldwallError('VALIDATION_FAILED', 'cursor: not a cursor returned by this API', { where: 'cursor' });
  return key;
}

/** A listing cursor is the store's own (id, org) cursor re-encoded, so one `cursor` parameter serves both modes. */
function decodeListCursor(cursor: string): string {
  const [id, org] = decodeCursor(cursor).split('\n') as [string, string];
  return Buffer.from(JSON.stringify([id, org]), 'utf8').toString('base64url');
}
