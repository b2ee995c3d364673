import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import { SyslogFramer, type EcsFields } from '../parsers/index.js';
import { errorCode, sample, type RecordError, type SyslogInputDeps } from './input-deps.js';
import type { SourceLogLimiter } from './source-log-limiter.js';

/** Tuning of one connection, set by {@link SyslogTcpInput}. */
export interface SyslogConnectionOptions {
  input: 'syslog-tcp' | 'syslog-tls';
  /** Organisation of everything this connection sends (resolved once, when it is accepted). */
  org: string;
  /** `ip:port` of the peer, for logs. */
  source: string;
  /** The peer's IP: problems are logged once per IP, whatever port a reconnect uses. */
  sourceIp: string;
  /** ECS fields stamped on every record of the connection (`log.source.address`). */
  sourceEcs?: EcsFields;
  maxFrameBytes: number;
  maxBatch: number;
  flushMs: number;
  /** First delay before a refused batch is retried; doubles up to `maxRetryDelayMs`. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** Attempts for a batch refused with anything but RATE_LIMITED before it is dropped (counted). */
  maxAttempts: number;
}

/** One framed record waiting for submission: its bytes, or why framing refused it. */
type Framed = { bytes: Uint8Array; error?: undefined } | { bytes?: undefined; error: { code: string; message: string } };

/** What a connection reports to its listener. */
export interface SyslogConnectionStats {
  source: string;
  org: string;
  bytesRead: number;
  /** Records framed and not yet acknowledged by the ingest service. */
  queued: number;
  /** True while reading is stopped because a submission is pending or being retried. */
  paused: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * One syslog TCP/TLS connection: frames the byte stream (RFC 6587, octet counting or LF, detected
 * per connection), batches the frames and submits them. Backpressure: while a submission of this
 * connection is pending, and while a refused one waits to be retried, the socket is paused, so the
 * sender's TCP window fills and it slows down; nothing read is ever dropped for RATE_LIMITED.
 */
export class SyslogConnection {
  private readonly framer: SyslogFramer;
  private queue: Framed[] = [];
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private ended = false;
  /** Set by shutdown: RATE_LIMITED then gets bounded attempts too, so closing cannot hang. */
  private stopping = false;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    private readonly socket: Socket,
    private readonly deps: SyslogInputDeps,
    private readonly opts: SyslogConnectionOptions,
    private readonly logLimiter: SourceLogLimiter,
  ) {
    this.framer = new SyslogFramer({ maxFrameBytes: opts.maxFrameBytes });
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    socket.on('data', (chunk: Buffer) => this.receive(this.framer.push(chunk)));
    socket.on('end', () => this.finish());
    socket.on('close', () => this.finish());
    socket.on('error', (err) => deps.logger.debug({ err, input: opts.input, source: opts.source }, 'syslog connection error'));
  }

  /** Resolves once the connection is closed and everything it framed has been submitted or dropped. */
  get closed(): Promise<void> {
    return this.done;
  }

  stats(): SyslogConnectionStats {
    return { source: this.opts.source, org: this.opts.org, bytesRead: this.socket.bytesRead, queued: this.queue.length, paused: this.socket.isPaused() };
  }

  /** Stops reading and ends the connection; what was framed is still submitted. */
  shutdown(): void {
    this.stopping = true;
    this.socket.pause();
    this.socket.end();
    // A sender that never closes its side must not hold up shutdown: the framed data is ours already.
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.finish();
  }

  private receive(results: ReturnType<SyslogFramer['push']>): void {
    for (const r of results) {
      if (r.ok) {
        if (!isUtf8(r.value.bytes)) {
          this.deps.metrics.invalidUtf8.inc({ input: this.opts.input });
          this.logOnce({ sample: sample(r.value.bytes) }, 'syslog message is not valid UTF-8; invalid bytes replaced by U+FFFD');
        }
        this.queue.push({ bytes: r.value.bytes });
      } else {
        this.queue.push({ error: { code: r.error.code, message: r.error.message } });
        this.logOnce({ code: r.error.code, error: r.error.message, offset: r.error.offset }, 'syslog frame rejected');
      }
    }
    if (this.draining) return;
    if (this.queue.length >= this.opts.maxBatch) this.drain();
    else if (this.queue.length > 0 && this.timer === undefined) this.timer = setTimeout(() => this.drain(), this.opts.flushMs);
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.receive(this.framer.end());
    if (!this.draining) this.drain();
  }

  /** Submits the queue batch by batch with the socket paused; resumes reading when it is empty. */
  private drain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) {
      if (this.ended) this.resolveDone();
      return;
    }
    this.socket.pause();
    this.deps.metrics.pauses.inc({ input: this.opts.input });
    this.draining = (async () => {
      while (this.queue.length > 0) await this.submitWithRetry(this.queue.splice(0, this.opts.maxBatch));
    })().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0) this.drain();
      else if (this.ended) this.resolveDone();
      else if (!this.socket.destroyed) this.socket.resume();
    });
  }

  private async submitWithRetry(batch: Framed[]): Promise<void> {
    const records: Uint8Array[] = [];
    const recordErrors: RecordError[] = [];
    batch.forEach((f, index) => {
      if (f.bytes) records[index] = f.bytes;
      else recordErrors.push({ index, ...f.error });
    });
    const { input, sourceEcs } = this.opts;
    // One shared object for the whole connection: the array holds a pointer per record.
    const recordEcs = sourceEcs ? new Array<EcsFields>(batch.length).fill(sourceEcs) : undefined;
    let delay = this.opts.retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.deps.ingest.submit(this.opts.org, input, records, { recordErrors, ...(recordEcs ? { recordEcs } : {}) });
        const parseReject = result.rejected.find((r) => batch[r.index]?.bytes);
        if (parseReject) {
          this.logOnce({ code: parseReject.code, error: parseReject.message, rejected: result.rejected.length, sample: sample(batch[parseReject.index]?.bytes) }, 'syslog message rejected');
        }
        return;
      } catch (err) {
        const reason = errorCode(err);
        // A full backlog is expected to clear: keep the frames (read, never acknowledged) and wait.
        // Anything else may be permanent, so it gets a bounded number of attempts, and so does a
        // full backlog once the node is shutting down (an ingest-only node may never drain it).
        if ((reason !== 'RATE_LIMITED' || this.stopping) && attempt >= this.opts.maxAttempts) {
          this.deps.metrics.dropped.inc({ input, reason }, batch.length);
          this.deps.logger.error({ err, input, source: this.opts.source, dropped: batch.length, attempts: attempt }, 'syslog batch dropped: submission kept failing');
          return;
        }
        this.deps.metrics.retries.inc({ input, reason });
        if (this.logLimiter.admit(`retry:${reason}`)) this.deps.logger.warn({ input, reason, source: this.opts.source, delayMs: delay }, 'syslog submission refused; reading paused and retrying');
        await sleep(delay);
        delay = Math.min(delay * 2, this.opts.maxRetryDelayMs);
      }
    }
  }

  private logOnce(fields: Record<string, unknown>, msg: string): void {
    const admitted = this.logLimiter.admit(this.opts.sourceIp);
    if (admitted) this.deps.logger.warn({ input: this.opts.input, source: this.opts.source, ...fields, suppressedSinceLast: admitted.suppressed }, msg);
  }
}
