import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Pipeline metrics per input and stage, registered on the node's registry. */
export class IngestMetrics {
  readonly received: Counter<'input'>;
  readonly parsed: Counter<'input' | 'format'>;
  readonly rejected: Counter<'input' | 'reason'>;
  readonly queued: Counter<'input'>;
  readonly detected: Counter<'stage'>;
  readonly alerts: Counter<'kind'>;
  readonly lag: Histogram<never>;
  readonly inFlight: Gauge<never>;
  readonly dropped: Counter<'input' | 'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.received = new Counter({ name: 'shieldwall_ingest_received_total', help: 'Records received', labelNames: ['input'], registers });
    this.parsed = new Counter({ name: 'shieldwall_ingest_parsed_total', help: 'Records parsed', labelNames: ['input', 'format'], registers });
    this.rejected = new Counter({ name: 'shieldwall_ingest_rejected_total', help: 'Records rejected, by reason', labelNames: ['input', 'reason'], registers });
    this.queued = new Counter({ name: 'shieldwall_ingest_queued_total', help: 'Events durably queued', labelNames: ['input'], registers });
    this.detected = new Counter({ name: 'shieldwall_detection_events_total', help: 'Events run through detection', labelNames: ['stage'], registers });
    this.alerts = new Counter({ name: 'shieldwall_alerts_total', help: 'Alerts stored', labelNames: ['kind'], registers });
    this.lag = new Histogram({
      name: 'shieldwall_pipeline_lag_seconds',
      help: 'Time from receipt of an event to its alerts being stored',
      // 0.75 and 1.5 around the one-second objective: a p99 read off these buckets is interpolated
      // within one, and between 0.5 and 1 alone it could sit anywhere in half a second.
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 5, 10],
      registers,
    });
    this.inFlight = new Gauge({ name: 'shieldwall_ingest_in_flight_events', help: 'Events accepted but not yet through detection', registers });
    this.dropped = new Counter({ name: 'shieldwall_ingest_dropped_total', help: 'Records dropped without an answer to the sender (UDP)', labelNames: ['input', 'reason'], registers });
  }
}
