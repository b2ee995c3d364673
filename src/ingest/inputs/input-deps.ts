import type { IngestService } from '../pipeline/ingest-service.js';
import type { Clock } from '../../shared/clock.js';
import type { SyslogInputMetrics } from './syslog-input-metrics.js';

/** What a listener needs of the ingest service: only `submit`, so tests can pass a recorder. */
export type IngestTarget = Pick<IngestService, 'submit'>;

/** The log calls a listener makes (pino's `Logger` fits). */
export interface InputLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What every syslog listener is given. */
export interface SyslogInputDeps {
  /** Organisation stamped on every event this listener receives. */
  org: string;
  ingest: IngestTarget;
  metrics: SyslogInputMetrics;
  logger: InputLogger;
  /** Used for log rate limiting. */
  clock: Clock;
}

/** A record refused before parsing (framing, size), in the shape `IngestService.submit` counts. */
export interface RecordError {
  index: number;
  code: string;
  message: string;
}

/** The `code` of a ShieldwallError (or any error carrying one), else `SUBMIT_FAILED`. */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : 'SUBMIT_FAILED';
}

/** A short printable sample of a record for a log line. */
export function sample(bytes: Uint8Array | string | undefined, max = 120): string {
  if (bytes === undefined) return '';
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max * 4)).toString('utf8');
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\x00-\x1f\x7f]/g, '.');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
