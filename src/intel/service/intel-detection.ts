import type { Subscription } from '../../bus/index.js';
import { orgScope, type Alert, type Store } from '../../store/index.js';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { IndicatorIndex, type IndicatorEvent } from '../match/index.js';
import type { Indicator } from '../stix/index.js';
import type { ReleasePolicy } from '../tlp/index.js';
import type { IndicatorBroadcast, IndicatorUpdate } from './indicator-broadcast.js';
import { releasePolicyFor } from './org-release-policy.js';
import { SightingRecorder } from './sighting-recorder.js';
import type { SightingThreshold } from './sighting-threshold.js';

/** An event as detection sees it (the pipeline's PipelineEvent has these fields and more). */
export interface IntelDetectionEvent extends IndicatorEvent {
  id: string;
  time: number;
  source: string;
  sourceFormat?: string;
  raw?: Record<string, unknown>;
}

export interface IntelDetectionDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  /** Live updates (imports, confirmations) from every process; absent: the set loaded at start only. */
  broadcast?: IndicatorBroadcast;
  /** Confirms indicators sighted often enough (early warning without an analyst). */
  threshold?: SightingThreshold;
  /** Called with each update applied, and its latency (ms from publication), for metrics and tests. */
  onUpdate?: (update: IndicatorUpdate, latencyMs: number) => void;
}

interface Held {
  producerOrgId: string;
  object: Indicator;
}

/** The release policy is rebuilt at most this often (organisations and their parents change rarely). */
const policyTtlMs = 60_000;

/**
 * Indicator matching in the live pipeline: the second matcher of detection, after Sigma. It holds
 * one {@link IndicatorIndex} per process with the current indicators of every organisation
 * (loaded from the store at start, kept current by the early-warning channel); an event of
 * organisation X is matched only against indicators the TLP policy lets X receive. Each hit is
 * stored as an alert (kind `intel`, unique per organisation, indicator and event) and counted in
 * the organisation's STIX sighting of that indicator.
 *
 * One index per process rather than per worker thread: lookups are a few hash probes per event,
 * cheap beside Sigma, and a million indicators held once instead of once per thread keeps the
 * node within its memory budget.
 */
export class IntelDetection {
  private readonly index: IndicatorIndex;
  private readonly held = new Map<string, Held>();
  private policy: { at: number; policy: ReleasePolicy } | undefined;
  /** Per `indicatorId\norgId`: may that organisation receive it (cleared with the policy). */
  private readonly mayReceive = new Map<string, boolean>();
  private subscription: Subscription | undefined;
  private readonly sightings: SightingRecorder;

  constructor(private readonly deps: IntelDetectionDeps) {
    this.sightings = new SightingRecorder(deps);
    this.index = new IndicatorIndex({ clock: deps.clock });
  }

  /** Indicators held. */
  size(): number {
    return this.held.size;
  }

  /** Loads the current indicators of every organisation and subscribes to live updates. */
  async start(): Promise<void> {
    if (this.deps.broadcast) {
      await this.deps.broadcast.start();
      this.subscription = await this.deps.broadcast.subscribe((u) => this.apply(u));
    }
    const orgs = await this.deps.store.scoped({ kind: 'authority', actor: 'system:intel', reason: 'load indicators for detection' }).organisations.list();
    for (const org of orgs) {
      // Each organisation's own scope: the matcher reads producers' indicators to offer them through TLP, never to show them.
      const scoped = this.deps.store.scoped(orgScope(org.id));
      let cursor: string | null = null;
      do {
        const page = await scoped.intel.objects.list({ type: 'indicator', limit: 1000, cursor });
        for (const r of page.items) this.hold({ producerOrgId: r.orgId, object: JSON.parse(r.json) as Indicator });
        cursor = page.next;
      } while (cursor !== null);
    }
  }

  async stop(): Promise<void> {
    await this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  /** Applies an update from the early-warning channel. */
  apply(update: IndicatorUpdate): void {
    for (const id of update.remove) this.drop(id);
    for (const item of update.add) this.hold({ producerOrgId: item.producerOrgId, object: item.object as unknown as Indicator });
    if (update.reason !== 'import' && this.deps.threshold) for (const item of update.add) this.deps.threshold.markConfirmed(String(item.object.id));
    this.deps.onUpdate?.(update, this.deps.clock.now() - update.at);
  }

  /**
   * Matches a batch of one organisation's events, stores the intel alerts (idempotent) and the
   * sightings, and confirms indicators that reach the sighting threshold. Returns the alerts newly stored.
   */
  async detect(orgId: string, events: readonly IntelDetectionEvent[]): Promise<number> {
    if (this.held.size === 0) return 0;
    const now = this.deps.clock.now();
    const byIndicator = new Map<string, Alert[]>();
    for (const e of events) {
      for (const hit of this.index.matchEvent(e, now)) {
        const held = this.held.get(hit.indicatorId);
        if (!held || !(await this.receives(hit.indicatorId, held, orgId))) continue;
        const list = byIndicator.get(hit.indicatorId) ?? [];
        if (list.some((a) => a.eventId === e.id)) continue;
        list.push(intelAlert(orgId, e, held, hit, now, this.deps.ids));
        byIndicator.set(hit.indicatorId, list);
      }
    }
    let stored = 0;
    const scoped = this.deps.store.scoped(orgScope(orgId));
    for (const [indicatorId, alerts] of byIndicator) {
      // Per indicator, so the count stored is exactly the new sightings: a redelivered batch adds none.
      const n = await scoped.alerts.insertMany(alerts);
      stored += n;
      if (n === 0) continue;
      const held = this.held.get(indicatorId)!;
      await this.sightings.record(orgId, held.object, alerts.slice(0, n).map((a) => a.time), n);
      if (this.deps.threshold?.record(indicatorId, n) && this.deps.broadcast) {
        await this.deps.broadcast.publish({ reason: 'sightings', add: [{ producerOrgId: held.producerOrgId, object: held.object as unknown as Record<string, unknown> }], remove: [], confirmedBy: orgId, at: this.deps.clock.now() });
      }
    }
    return stored;
  }

  private hold(item: Held): void {
    const o = item.object;
    if (o.type !== 'indicator') return;
    // The index keeps the newest version by `modified` and drops revoked ones itself.
    const outcome = this.index.add(o);
    if (outcome.status === 'added' || outcome.status === 'replaced') {
      this.held.set(o.id, item);
      for (const key of this.mayReceive.keys()) if (key.startsWith(`${o.id}\n`)) this.mayReceive.delete(key);
    } else if (outcome.status === 'revoked') {
      this.drop(o.id);
    } else if (outcome.status === 'unsupported') {
      this.held.delete(o.id);
    }
  }

  private drop(id: string): void {
    if (!this.held.delete(id)) return;
    this.index.remove(id);
  }

  private async receives(indicatorId: string, held: Held, orgId: string): Promise<boolean> {
    if (held.producerOrgId === orgId) return true;
    const now = this.deps.clock.now();
    if (!this.policy || now - this.policy.at > policyTtlMs) {
      this.policy = { at: now, policy: await releasePolicyFor(this.deps.store) };
      this.mayReceive.clear();
    }
    const key = `${indicatorId}\n${orgId}`;
    let ok = this.mayReceive.get(key);
    if (ok === undefined) {
      ok = this.policy.policy.mayReceive(held.object as unknown as Record<string, unknown>, held.producerOrgId, { kind: 'org', orgId });
      this.mayReceive.set(key, ok);
    }
    return ok;
  }
}

function intelAlert(
  orgId: string,
  e: IntelDetectionEvent,
  held: Held,
  hit: { indicatorId: string; field: string; value: unknown },
  now: number,
  ids: IdGenerator,
): Alert {
  const o = held.object;
  return {
    id: ids.next(),
    orgId,
    createdAt: now,
    time: e.time,
    ruleId: o.id,
    ruleTitle: o.name ?? o.pattern,
    level: 'high',
    author: held.producerOrgId,
    eventId: e.id,
    data: {
      kind: 'intel',
      indicator: { id: o.id, name: o.name ?? null, pattern: o.pattern, producer: held.producerOrgId, modified: o.modified, markings: o.object_marking_refs ?? [] },
      matched: { field: hit.field, value: hit.value },
      event: { id: e.id, source: e.source, format: e.sourceFormat, time: e.time, raw: e.raw },
    },
  };
}
