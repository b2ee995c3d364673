import type { Bus, BusMessage, Consumer } from '../../bus/index.js';
import { orgScope, type Alert, type Store } from '../../store/index.js';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import type { Detection } from '../../sigma/index.js';
import type { AlertedEvent, BatchDetection, DetectionEngine, IntelBatchHit } from './detection-engine.js';
import { parseClaimCheck, type ClaimCheck } from './claim-check.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { fromStored } from './ingest-service.js';
import type { PipelineEvent, PipelineSubjects } from './pipeline-event.js';

export type { DetectionContent } from './detection-engine.js';

export interface DetectionStageDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  ids: IdGenerator;
  metrics: IngestMetrics;
  subjects: PipelineSubjects;
  engine: DetectionEngine;
  /** Stores indicator hits as alerts and sightings (the intel capability's IntelDetection). */
  intel?: { record(orgId: string, hits: readonly IntelBatchHit[]): Promise<number> };
}

/**
 * Consumes event batches from the bus, runs the Sigma rules and correlations over them, stores the
 * alerts and announces them on `alerts.<org>`. A batch is acknowledged only after its alerts are
 * stored; a redelivered batch stores no duplicate (alerts are unique per org, rule and event).
 * The engine (in this thread, or worker threads) keeps correlation state per organisation.
 */
export class DetectionStage {
  private consumer: Consumer | undefined;
  private engine: DetectionEngine;
  private pending = 0;

  constructor(private readonly deps: DetectionStageDeps) {
    this.engine = deps.engine;
  }

  /** Events accepted by this node's inputs and not yet through detection. */
  inFlight(): number {
    return this.pending;
  }

  /** Counts events handed to the bus by a local input (they leave the count once detected). */
  track(count: number): void {
    this.pending = Math.max(0, this.pending + count);
    this.deps.metrics.inFlight.set(this.pending);
    if (count < 0 && this.roomWaiters.size > 0) for (const w of [...this.roomWaiters]) w();
  }

  private readonly roomWaiters = new Set<() => void>();

  /**
   * Resolves true as soon as fewer than `limit` events are in flight, or false after `timeoutMs`:
   * a submission waits briefly for room instead of idling its sender for a whole Retry-After.
   */
  waitForRoom(limit: number, timeoutMs: number): Promise<boolean> {
    if (this.pending < limit) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.roomWaiters.delete(check);
        resolve(ok);
      };
      const check = () => {
        if (this.pending < limit) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.roomWaiters.add(check);
    });
  }

  async start(opts: { maxInFlight?: number; ackWaitMs?: number } = {}): Promise<void> {
    // Batches stay JSON text here: the engine decodes them where it runs (a worker thread).
    // In one process, batches held beyond what the workers can start on soon are only extra
    // copies of messages the memory bus keeps anyway; NATS caps the whole group at this number,
    // so it keeps room there for many nodes.
    const maxInFlight = opts.maxInFlight ?? (this.deps.bus.kind === 'memory' ? 8 : 64);
    this.consumer = await this.deps.bus.consume<string>(
      { stream: this.deps.subjects.ingestStream, group: 'detection', ackWaitMs: opts.ackWaitMs ?? 30_000, maxInFlight, decode: false },
      (msg) => this.handle(msg),
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  /** Replaces the engine (e.g. after a rules reload); the old one is closed. */
  async reload(engine: DetectionEngine): Promise<void> {
    const old = this.engine;
    this.engine = engine;
    await old.close();
  }

  /** Closes the engine (after stop). */
  async close(): Promise<void> {
    await this.engine.close();
  }

  /** The engine in force (it changes on a rules reload). */
  currentEngine(): DetectionEngine {
    return this.engine;
  }

  private async handle(msg: BusMessage<string>): Promise<void> {
    const subjectOrg = this.deps.subjects.orgOfIngest(msg.subject);
    const claim = parseClaimCheck(msg.data);
    const result = claim ? await this.detectClaimed(subjectOrg, claim) : await this.engine.detect(subjectOrg, msg.data);
    const { orgId, batchId } = result;
    await this.readMissingRaw(result);
    const alerts = this.toAlerts(result);
    if (alerts.length > 0) {
      const stored = await this.deps.store.scoped(orgScope(orgId)).alerts.insertMany(alerts);
      this.deps.metrics.alerts.inc({ kind: 'sigma' }, stored);
      if (stored > 0) await this.deps.bus.publish(this.deps.subjects.alerts(orgId), { orgId, count: stored, ids: alerts.map((a) => a.id) }).catch(() => undefined);
    }
    if (result.intelHits.length > 0 && this.deps.intel) this.deps.metrics.alerts.inc({ kind: 'intel' }, await this.deps.intel.record(orgId, result.intelHits));
    // Only now is the batch done: a crash before this line re-queues it on restart, and the
    // alerts' uniqueness (org, rule, event) makes the second pass store nothing twice.
    await this.deps.store.scoped(orgScope(orgId)).events.completeBatch({ orgId, batchId });
    await msg.ack();
    const now = this.deps.clock.now();
    for (const at of result.receivedAt) this.deps.metrics.lag.observe((now - at) / 1000);
    this.deps.metrics.detected.inc({ stage: 'sigma' }, result.count);
    if (msg.deliveryCount === 1) this.track(-result.count);
  }

  /**
   * Detects a claim-checked batch on the events its holder kept; when that thread no longer holds
   * them (rules reloaded, worker gone, batch dropped, a redelivery), reads the batch from the store.
   */
  private async detectClaimed(subjectOrg: string, claim: ClaimCheck): Promise<BatchDetection> {
    const { orgId, batchId } = claim;
    if (orgId !== subjectOrg) throw new Error(`batch ${batchId} belongs to organisation ${orgId}, not ${subjectOrg}`);
    const held = await this.engine.detectHeld(claim);
    if (held) return held;
    this.fromStore++;
    const stored = await this.deps.store.scoped(orgScope(orgId)).events.batchEvents({ orgId, batchId });
    return this.engine.detect(orgId, { orgId, batchId, events: stored.map(fromStored) });
  }

  /**
   * Reads from the store the raw fields of the alerted events detection sent without them (an
   * alert at an event that matched no rule itself: see HeldDetection). The batch was stored
   * before its claim check was published, so they are there.
   */
  private async readMissingRaw(result: BatchDetection): Promise<void> {
    let missing: Map<string, AlertedEvent[]> | undefined;
    for (const { event } of [...result.hits, ...result.intelHits]) {
      if (event.raw !== undefined) continue;
      missing ??= new Map();
      const list = missing.get(event.id);
      if (list) list.push(event);
      else missing.set(event.id, [event]);
    }
    if (!missing) return;
    const events = this.deps.store.scoped(orgScope(result.orgId)).events;
    for (const [id, list] of missing) {
      const stored = await events.get(id);
      const raw = stored ? fromStored(stored).raw : {};
      for (const e of list) e.raw = raw;
    }
  }

  /** Claim-checked batches that had to be read from the store (their holder had let them go). */
  fromStore = 0;

  /** Runs detection over events of one organisation and builds their alerts. */
  async detect(orgId: string, events: PipelineEvent[]): Promise<Alert[]> {
    return this.toAlerts(await this.engine.detect(orgId, { orgId, batchId: 'detect', events }));
  }

  private toAlerts(result: BatchDetection): Alert[] {
    const now = this.deps.clock.now();
    return result.hits.map((h) => toAlert(result.orgId, h.event, h.detection, now, this.deps.ids));
  }
}

function toAlert(orgId: string, e: AlertedEvent, d: Detection, now: number, ids: IdGenerator): Alert {
  return {
    id: ids.next(),
    orgId,
    createdAt: now,
    time: e.time,
    ruleId: d.rule.id,
    ruleTitle: d.rule.title,
    level: d.rule.level,
    author: d.rule.author,
    eventId: e.id,
    data: {
      kind: d.kind,
      rule: {
        id: d.rule.id, title: d.rule.title, level: d.rule.level, status: d.rule.status, author: d.rule.author,
        tags: d.rule.tags, references: d.rule.references, description: d.rule.description,
      },
      matched: d.matched,
      ...(d.correlation ? { correlation: d.correlation } : {}),
      event: { id: e.id, source: e.source, format: e.sourceFormat, time: e.time, raw: e.raw ?? {} },
    },
  };
}
