import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Metrics of the syslog listeners. Records received, parsed and rejected are counted by the
 * ingest service; these cover what only a listener sees.
 */
export class SyslogInputMetrics {
  /** Records dropped without an answer to the sender, by input and reason (the pipeline's counter). */
  readonly dropped: Counter<'input' | 'reason'>;
  readonly invalidUtf8: Counter<'input'>;
  readonly connections: Gauge<'input'>;
  readonly connectionsRefused: Counter<'input'>;
  readonly pauses: Counter<'input'>;
  readonly retries: Counter<'input' | 'reason'>;

  /** `dropped` is shared with the pipeline (`shieldwall_ingest_dropped_total`), so pass that counter. */
  constructor(registry: Registry, dropped: Counter<'input' | 'reason'>) {
    const registers = [registry];
    this.dropped = dropped;
    this.invalidUtf8 = new Counter({
      name: 'shieldwall_syslog_invalid_utf8_total',
      help: 'Syslog messages that were not valid UTF-8 (kept, invalid bytes replaced by U+FFFD)',
      labelNames: ['input'],
      registers,
    });
    this.connections = new Gauge({ name: 'shieldwall_syslog_connections', help: 'Open syslog TCP/TLS connections', labelNames: ['input'], registers });
    this.connectionsRefused = new Counter({
      name: 'shieldwall_syslog_connections_refused_total',
      help: 'Syslog connections closed at once because the connection limit was reached',
      labelNames: ['input'],
      registers,
    });
    this.pauses = new Counter({
      name: 'shieldwall_syslog_backpressure_pauses_total',
      help: 'Times a syslog connection stopped reading because the pipeline was behind',
      labelNames: ['input'],
      registers,
    });
    this.retries = new Counter({
      name: 'shieldwall_syslog_submit_retries_total',
      help: 'Batches of a syslog connection retried after a refused submission, by error code',
      labelNames: ['input', 'reason'],
      registers,
    });
  }
}
