import type { Registry } from 'prom-client';
import type { Bus } from '../../bus/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import type { DetectionEngine } from './detection-engine.js';
import { DetectionStage, type DetectionStageDeps } from './detection-stage.js';
import { IngestMetrics } from './ingest-metrics.js';
import { IngestService, fromStored } from './ingest-service.js';
import { PipelineSubjects, type EventBatch } from './pipeline-event.js';

export interface PipelineOptions {
  store: Store;
  bus: Bus;
  clock: Clock;
  ids: IdGenerator;
  registry: Registry;
  /** Detection in this thread or in worker threads. */
  engine: DetectionEngine;
  /** Events in flight (accepted, not yet detected) above which inputs push back. Default 20,000. */
  maxInFlight?: number;
  /**
   * How long a submission may wait for room in a full backlog before it is refused (default
   * 500 ms): a sender then waits for detection to catch up instead of a whole Retry-After second.
   */
  admissionWaitMs?: number;
  /** Prefix of stream and subject names (default `shieldwall`). */
  namespace?: string;
  /** Run the detection consumer in this process (default true). */
  detect?: boolean;
  /** Stores indicator hits (alerts of kind `intel` and sightings); without it they are dropped. */
  intel?: DetectionStageDeps['intel'];
}

/** The live pipeline of one node: inputs submit to `ingest`, `detection` consumes the bus. */
export class Pipeline {
  readonly metrics: IngestMetrics;
  readonly detection: DetectionStage;
  readonly ingest: IngestService;
  readonly subjects: PipelineSubjects;

  constructor(private readonly opts: PipelineOptions) {
    this.metrics = new IngestMetrics(opts.registry);
    this.subjects = new PipelineSubjects(opts.namespace ?? 'shieldwall');
    this.detection = new DetectionStage({ ...opts, metrics: this.metrics, subjects: this.subjects });
    this.ingest = new IngestService({
      store: opts.store,
      bus: opts.bus,
      clock: opts.clock,
      ids: opts.ids,
      metrics: this.metrics,
      subjects: this.subjects,
      maxInFlight: opts.maxInFlight ?? 20_000,
      inFlight: () => this.detection.inFlight(),
      waitForRoom: (limit) => this.detection.waitForRoom(limit, opts.admissionWaitMs ?? 500),
      onQueued: (count) => this.detection.track(count),
      // NATS refuses messages over max_payload (1 MiB by default); stay well below it.
      maxMessageBytes: opts.bus.kind === 'nats' ? 768 * 1024 : Infinity,
      engine: () => this.detection.currentEngine(),
      // On the in-process bus this process's detection stage is the only consumer, so the parsed
      // events can wait on the engine thread that made them; NATS carries whole batches (another
      // node may detect them).
      claimChecks: opts.bus.kind === 'memory' && opts.detect !== false,
    });
  }

  async start(): Promise<void> {
    const s = this.subjects;
    await this.opts.bus.ensureStream({ name: s.ingestStream, subjects: [s.ingest('*')], workQueue: true });
    await this.opts.bus.ensureStream({ name: s.alertStream, subjects: [s.alerts('*')], maxAgeMs: 24 * 3600_000 });
    if (this.opts.detect === false) return;
    await this.detection.start();
    this.requeued = await this.requeuePending();
  }

  /** Batches re-queued at start (stored before a crash, not yet through detection). */
  requeued = 0;

  /**
   * Re-queues batches that were stored but not through detection when the node last stopped. With
   * the in-process bus every pending batch is lost from memory, so all are re-queued; JetStream
   * keeps and redelivers its own messages, so only batches older than its redelivery horizon
   * (a failed publish) are re-queued there.
   */
  async requeuePending(): Promise<number> {
    const { store, bus, clock } = this.opts;
    const horizon = bus.kind === 'memory' ? Infinity : clock.now() - 5 * 60_000;
    const recovery = store.scoped({ kind: 'authority', actor: 'system:pipeline', reason: 'requeue batches pending detection after a restart' });
    let requeued = 0;
    for (const pending of await recovery.events.pendingBatches(100_000)) {
      if (pending.receivedAt > horizon) continue;
      const events = (await recovery.events.batchEvents(pending)).map(fromStored);
      const batch: EventBatch = { orgId: pending.orgId, batchId: pending.batchId, events };
      await bus.publish(this.subjects.ingest(pending.orgId), batch, { msgId: `${pending.batchId}:requeue` });
      this.detection.track(events.length);
      requeued++;
    }
    return requeued;
  }

  private readonly stopHooks: (() => void)[] = [];

  /** Runs `hook` when the pipeline stops (timers tied to its life). */
  onStop(hook: () => void): void {
    this.stopHooks.push(hook);
  }

  async stop(): Promise<void> {
    for (const hook of this.stopHooks.splice(0)) hook();
    await this.detection.stop();
    await this.detection.close();
  }
}
