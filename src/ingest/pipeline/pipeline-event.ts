import type { EcsFields, EventLogsource, SourceFormat } from '../parsers/index.js';

/**
 * Stream and subject names of one deployment. The namespace keeps deployments (and test runs)
 * that share one NATS server apart.
 */
export class PipelineSubjects {
  /** Stream that carries accepted events from the inputs to detection. */
  readonly ingestStream: string;
  /** Stream of alert announcements (live fan-out to dashboards and sharing). */
  readonly alertStream: string;
  constructor(readonly namespace: string) {
    if (!/^[A-Za-z0-9_-]+$/.test(namespace)) throw new Error(`bus namespace ${JSON.stringify(namespace)} must be letters, digits, - or _`);
    this.ingestStream = `${namespace}_INGEST`;
    this.alertStream = `${namespace}_ALERTS`;
  }
  /** Subject of a batch of events of one organisation. */
  ingest(orgId: string): string {
    return `${this.namespace}.ingest.events.${orgId}`;
  }
  /** The organisation of an ingest subject (its last token). */
  orgOfIngest(subject: string): string {
    return subject.slice(subject.lastIndexOf('.') + 1);
  }
  /** Subject of the alert announcements of one organisation. */
  alerts(orgId: string): string {
    return `${this.namespace}.alerts.${orgId}`;
  }
}

/** An accepted event as it travels on the bus (and as it is stored). */
export interface PipelineEvent {
  id: string;
  time: number;
  receivedAt: number;
  /** Input: `http`, `syslog-tcp`, `syslog-udp`, `file`, ... */
  source: string;
  sourceFormat: SourceFormat;
  message: string | null;
  raw: Record<string, unknown>;
  ecs: EcsFields;
  logsource?: EventLogsource;
}

/** One bus message: a batch of events of one organisation, acknowledged to the sender as a whole. */
export interface EventBatch {
  orgId: string;
  batchId: string;
  events: PipelineEvent[];
}
