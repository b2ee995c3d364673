import type { Subscription } from '../../bus/index.js';
import { orgScope, type Alert, type Store } from '../../store/index.js';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import type { Indicator } from '../stix/index.js';
import type { IndicatorBroadcast, IndicatorUpdate } from './indicator-broadcast.js';
import type { IntelHit, IntelSync } from './intel-matcher.js';
import { SightingRecorder } from './sighting-recorder.js';
import type { SightingThreshold } from './sighting-threshold.js';

/** What an intel alert keeps of the event (the pipeline's AlertedEvent has these fields). */
export interface IntelAlertedEvent {
  id: string;
  time: number;
  source: string;
  sourceFormat?: string;
  raw?: Record<string, unknown>;
}

/** Where the matchers live: the detection engine (in this thread or its worker threads). */
export interface IntelSink {
  syncIntel(msg: IntelSync): void;
}

export interface IntelDetectionDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  /** Live updates (imports, confirmations) from every process; absent: the set loaded at start only. */
  broadcast?: IndicatorBroadcast;
  /** Confirms indicators sighted often enough (early warning without an analyst). */
  threshold?: SightingThreshold;
  /** Called with each update forwarded, and its latency (ms from publication), for metrics and tests. */
  onUpdate?: (update: IndicatorUpdate, latencyMs: number) => void;
  /** Organisations are re-read this often so TLP knows new members and clients (default 60 s). */
  organisationRefreshMs?: number;
}

/** Indicators per sync message while loading, so no single message to a worker thread is huge. */
const loadChunk = 5000;

/**
 * The main-thread half of indicator matching in the live pipeline. It feeds the matchers of the
 * detection engine (one {@link IntelMatcher} per detection thread): at attach, every current
 * indicator of every organisation from the store and the organisation graph; afterwards each
 * update of the early-warning channel, so an indicator imported or confirmed anywhere on the node
 * is matched within a second. It stores what the matchers find: an alert (kind `intel`, unique per
 * organisation, indicator and event) per hit, and the organisation's STIX sighting of the indicator.
 */
export class IntelDetection {
  private sink: IntelSink | undefined;
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly sightings: SightingRecorder;
  private forwarding: Promise<void> = Promise.resolve();

  constructor(private readonly deps: IntelDetectionDeps) {
    this.sightings = new SightingRecorder(deps);
  }

  /** Subscribes to the early-warning channel and starts the organisation refresh. */
  async start(): Promise<void> {
    if (this.deps.broadcast) {
      await this.deps.broadcast.start();
      this.subscription = await this.deps.broadcast.subscribe((update) => {
        // The organisations are re-read with each update (updates are rare, events are not): an
        // organisation created since the last read is then known to TLP before the indicator
        // reaches it. Updates stay in order through the chain.
        this.forwarding = this.forwarding
          .then(async () => {
            const organisations = await this.organisations().catch(() => undefined);
            this.sink?.syncIntel({ update, ...(organisations ? { organisations } : {}) });
            this.deps.onUpdate?.(update, this.deps.clock.now() - update.at);
          })
          .catch(() => undefined);
      });
    }
    this.timer = setInterval(() => void this.refreshOrganisations().catch(() => undefined), this.deps.organisationRefreshMs ?? 60_000);
    this.timer.unref();
  }

  /**
   * Loads the organisations and every current indicator into `sink` (a new engine after a rules
   * reload gets the same); later updates go to it as they arrive. Returns the live (not revoked)
   * indicators loaded.
   */
  async attach(sink: IntelSink): Promise<number> {
    this.sink = sink;
    const orgs = await this.organisations();
    sink.syncIntel({ organisations: orgs });
    let loaded = 0;
    for (const org of orgs) {
      // Each organisation's own scope: the matchers read producers' indicators to offer them through TLP, never to show them.
      const scoped = this.deps.store.scoped(orgScope(org.id));
      let cursor: string | null = null;
      do {
        // Revoked ones too: the matchers keep them as tombstones, so an older version still in
        // flight on the early-warning channel cannot bring a revoked indicator back.
        const page = await scoped.intel.objects.list({ type: 'indicator', limit: loadChunk, cursor, includeRevoked: true });
        const add = page.items.map((r) => ({ producerOrgId: r.orgId, object: JSON.parse(r.json) as Record<string, unknown> }));
        if (add.length > 0) sink.syncIntel({ update: { reason: 'import', add, remove: [], at: this.deps.clock.now() } });
        loaded += page.items.filter((r) => !r.revoked).length;
        cursor = page.next;
      } while (cursor !== null);
    }
    return loaded;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.subscription?.unsubscribe();
    this.subscription = undefined;
    await this.forwarding;
  }

  /** Resolves once every update received so far has reached the sink (for tests). */
  settled(): Promise<void> {
    return this.forwarding;
  }

  /**
   * Stores the hits of one organisation's batch: alerts (idempotent), sightings, and confirmation
   * of indicators that reach the sighting threshold. Returns the alerts newly stored.
   */
  async record(orgId: string, hits: readonly { event: IntelAlertedEvent; hit: IntelHit }[]): Promise<number> {
    if (hits.length === 0) return 0;
    const now = this.deps.clock.now();
    const byIndicator = new Map<string, { hit: IntelHit; alerts: Alert[] }>();
    for (const { event, hit } of hits) {
      let group = byIndicator.get(hit.indicatorId);
      if (!group) byIndicator.set(hit.indicatorId, (group = { hit, alerts: [] }));
      if (!group.alerts.some((a) => a.eventId === event.id)) group.alerts.push(intelAlert(orgId, event, hit, now, this.deps.ids));
    }
    let stored = 0;
    const scoped = this.deps.store.scoped(orgScope(orgId));
    for (const [indicatorId, { hit, alerts }] of byIndicator) {
      // Per indicator, so the count stored is exactly the new sightings: a redelivered batch adds none.
      const n = await scoped.alerts.insertMany(alerts);
      stored += n;
      if (n === 0) continue;
      const indicator = { id: indicatorId, object_marking_refs: hit.markings } as unknown as Indicator;
      await this.sightings.record(orgId, indicator, alerts.map((a) => a.time), n);
      if (this.deps.threshold?.record(indicatorId, n) && this.deps.broadcast) {
        const current = await this.deps.store.scoped(orgScope(hit.producer)).intel.objects.get(indicatorId);
        if (current && !current.revoked) {
          await this.deps.broadcast.publish({
            reason: 'sightings', add: [{ producerOrgId: hit.producer, object: JSON.parse(current.json) as Record<string, unknown> }], remove: [],
            confirmedBy: orgId, at: this.deps.clock.now(),
          });
        }
      }
    }
    return stored;
  }

  /**
   * The unaudited system read of ids and parents (`store.orgGraph`): it runs with every update and
   * every refresh, and through an authority scope each would append an audit entry for nothing a
   * person did.
   */
  private organisations(): Promise<{ id: string; parentId: string | null }[]> {
    return this.deps.store.orgGraph();
  }

  private async refreshOrganisations(): Promise<void> {
    if (this.sink) this.sink.syncIntel({ organisations: await this.organisations() });
  }
}

function intelAlert(orgId: string, e: IntelAlertedEvent, hit: IntelHit, now: number, ids: IdGenerator): Alert {
  return {
    id: ids.next(),
    orgId,
    createdAt: now,
    time: e.time,
    ruleId: hit.indicatorId,
    ruleTitle: hit.name ?? hit.pattern,
    level: 'high',
    author: hit.producer,
    eventId: e.id,
    data: {
      kind: 'intel',
      indicator: { id: hit.indicatorId, name: hit.name, pattern: hit.pattern, producer: hit.producer, modified: hit.modified, markings: hit.markings },
      matched: { field: hit.field, value: hit.value },
      event: { id: e.id, source: e.source, format: e.sourceFormat, time: e.time, raw: e.raw },
    },
  };
}
