import type { Registry } from 'prom-client';
import type { Bus } from '../../bus/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { DetectionStage, type DetectionContent } from './detection-stage.js';
import { IngestMetrics } from './ingest-metrics.js';
import { IngestService } from './ingest-service.js';
import { PipelineSubjects } from './pipeline-event.js';

export interface PipelineOptions {
  store: Store;
  bus: Bus;
  clock: Clock;
  ids: IdGenerator;
  registry: Registry;
  content: DetectionContent;
  /** Events in flight (accepted, not yet detected) above which inputs push back. Default 200,000. */
  maxInFlight?: number;
  /** Prefix of stream and subject names (default `shieldwall`). */
  namespace?: string;
  /** Run the detection consumer in this process (default true). */
  detect?: boolean;
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
      maxInFlight: opts.maxInFlight ?? 200_000,
      inFlight: () => this.detection.inFlight(),
      onQueued: (count) => this.detection.track(count),
    });
  }

  async start(): Promise<void> {
    const s = this.subjects;
    await this.opts.bus.ensureStream({ name: s.ingestStream, subjects: [s.ingest('*')], workQueue: true });
    await this.opts.bus.ensureStream({ name: s.alertStream, subjects: [s.alerts('*')], maxAgeMs: 24 * 3600_000 });
    if (this.opts.detect !== false) await this.detection.start();
  }

  async stop(): Promise<void> {
    await this.detection.stop();
  }
}
