import { isUtf8 } from 'node:buffer';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { errorCode, sample, type RecordError, type SyslogInputDeps } from './input-deps.js';
import type { EcsFields } from '../parsers/index.js';
import { formatListenAddress, formatSenderAddress, parseListenAddress } from './listen-address.js';
import { SenderOrgMap, type SenderRule } from './sender-org-map.js';
import { SourceLogLimiter } from './source-log-limiter.js';
import { UdpKernelDrops } from './udp-kernel-drops.js';

/** Options of {@link SyslogUdpInput}. */
export interface SyslogUdpInputOptions extends SyslogInputDeps {
  /** `host:port` or `[v6]:port`; port 0 picks a free port (see {@link SyslogUdpInput.address}). */
  address: string;
  /** Larger datagrams are rejected as FRAME_TOO_LARGE (default 65,536, `ingest.maxLineBytes`). */
  maxMessageBytes?: number;
  /** Datagrams per submission (default 500). */
  maxBatch?: number;
  /** How long a partial batch may wait before it is submitted (default 20 ms). */
  flushMs?: number;
  /** Datagrams waiting for submission above which new ones are dropped (default 20,000). */
  maxPending?: number;
  /** Bytes waiting for submission above which new datagrams are dropped (default 32 MiB). */
  maxPendingBytes?: number;
  /** Submissions running at once (default 2). */
  maxConcurrentSubmits?: number;
  /** Kernel receive buffer asked for, so bursts survive a slow submission (default 4 MiB; the OS may cap it; 0 keeps the OS default). */
  recvBufferBytes?: number;
  /** Sender IP → organisation rules (first match wins); senders matching none get `org`. */
  senders?: readonly SenderRule[];
  /** How often the kernel's drop counter of the socket is read (default 5 s; Linux /proc only). */
  kernelDropsPollMs?: number;
  /** Where /proc is (tests point it elsewhere). */
  procRoot?: string;
}

interface Pending {
  bytes: Buffer;
  source: string;
  /** `log.source.address` of the datagram's sender. */
  ecs: EcsFields;
  org: string;
  tooLarge: boolean;
}

const INPUT = 'syslog-udp';

/**
 * Syslog over UDP (RFC 5426): one datagram is one message, RFC 5424, RFC 3164, CEF or JSON.
 * Datagrams are batched (up to `maxBatch` or `flushMs`) into `IngestService.submit`. UDP cannot
 * push back, so when a submission is refused (RATE_LIMITED, store down) or the bounded pending
 * buffer is full, the datagrams are dropped and counted in `shieldwall_ingest_dropped_total`
 * with the reason; memory stays bounded by `maxPending` / `maxPendingBytes`.
 *
 * @example
 * const udp = new SyslogUdpInput({ address: '0.0.0.0:514', org, ingest, metrics, logger, clock });
 * console.log(`syslog/udp on ${await udp.start()}`);
 */
export class SyslogUdpInput {
  private socket: Socket | undefined;
  private bound = '';
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<void>>();
  private readonly logLimiter: SourceLogLimiter;
  private readonly maxMessageBytes: number;
  private readonly maxBatch: number;
  private readonly flushMs: number;
  private readonly maxPending: number;
  private readonly maxPendingBytes: number;
  private readonly maxConcurrent: number;
  private readonly orgs: SenderOrgMap;
  private kernelDrops: UdpKernelDrops | undefined;
  private kernelDropsSeen = 0;
  private kernelTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: SyslogUdpInputOptions) {
    this.maxMessageBytes = opts.maxMessageBytes ?? 65_536;
    this.maxBatch = opts.maxBatch ?? 500;
    this.flushMs = opts.flushMs ?? 20;
    this.maxPending = opts.maxPending ?? 20_000;
    this.maxPendingBytes = opts.maxPendingBytes ?? 32 * 1024 * 1024;
    this.maxConcurrent = opts.maxConcurrentSubmits ?? 2;
    this.logLimiter = new SourceLogLimiter(opts.clock);
    this.orgs = new SenderOrgMap(opts.senders ?? [], opts.org, 'ingest.syslog.udp.senders');
  }

  /** The bound `host:port` (after {@link start}). */
  get address(): string {
    return this.bound;
  }

  /** Binds the socket; resolves with the bound address. A taken port is PORT_IN_USE. */
  async start(): Promise<string> {
    const where = parseListenAddress(this.opts.address, 'ingest.syslog.udp');
    const socket = createSocket({ type: where.family === 6 ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (err: NodeJS.ErrnoException) => reject(bindError(err, this.opts.address)));
      socket.bind(where.port, where.host, () => resolve());
    });
    socket.removeAllListeners('error');
    socket.on('error', (err) => this.opts.logger.error({ err, input: INPUT }, 'syslog UDP socket error'));
    socket.on('message', (msg, rinfo) => this.receive(msg, rinfo));
    this.sizeReceiveBuffer(socket);
    this.socket = socket;
    const a = socket.address();
    this.bound = formatListenAddress(a.address, a.port);
    this.watchKernelDrops(a.port);
    return this.bound;
  }

  /** Datagrams the kernel dropped for this socket so far (undefined where /proc cannot tell). */
  kernelDropCount(): number | undefined {
    this.pollKernelDrops();
    return this.kernelDrops ? this.kernelDropsSeen : undefined;
  }

  private sizeReceiveBuffer(socket: Socket): void {
    const asked = this.opts.recvBufferBytes ?? 4 * 1024 * 1024;
    if (asked <= 0) return;
    try {
      socket.setRecvBufferSize(asked);
      // Linux reports twice what it granted (the doubling covers its bookkeeping) and caps the
      // request at net.core.rmem_max, silently: say so, since a small buffer means kernel drops.
      const granted = socket.getRecvBufferSize();
      if (granted < asked) {
        this.opts.logger.warn({ input: INPUT, askedBytes: asked, grantedBytes: granted }, 'syslog UDP receive buffer smaller than asked (raise net.core.rmem_max); bursts will be dropped sooner');
      }
    } catch (err) {
      this.opts.logger.warn({ input: INPUT, askedBytes: asked, err: (err as Error).message }, 'syslog UDP receive buffer size refused; the OS default is used');
    }
  }

  /**
   * The kernel counts datagrams it dropped because the receive buffer was full: the loss that
   * happens when the event loop is busy (a slow store write) and that Node never sees. Read
   * periodically and added to `shieldwall_ingest_dropped_total{reason="kernel"}` as a delta, so
   * the one drop counter covers every loss.
   */
  private watchKernelDrops(port: number): void {
    this.kernelDrops = UdpKernelDrops.locate(port, this.opts.procRoot);
    if (!this.kernelDrops) {
      this.opts.logger.info({ input: INPUT }, 'kernel UDP drops cannot be read here (no Linux /proc/net/udp); watch the OS counters instead');
      return;
    }
    this.kernelDropsSeen = this.kernelDrops.read()?.drops ?? 0;
    this.kernelTimer = setInterval(() => this.pollKernelDrops(), this.opts.kernelDropsPollMs ?? 5000);
    this.kernelTimer.unref();
  }

  private pollKernelDrops(): void {
    const now = this.kernelDrops?.read();
    if (!now || now.drops <= this.kernelDropsSeen) return;
    const lost = now.drops - this.kernelDropsSeen;
    this.kernelDropsSeen = now.drops;
    this.opts.metrics.dropped.inc({ input: INPUT, reason: 'kernel' }, lost);
    this.logOnce('kernel', { dropped: lost, totalDropped: now.drops, receiveQueueBytes: now.rxQueue }, 'syslog UDP datagrams dropped by the kernel: the receive buffer was full');
  }

  /** Stops receiving, submits what is pending and waits for every submission to settle. */
  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    clearInterval(this.kernelTimer);
    this.pollKernelDrops();
    this.kernelDrops = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0 || this.running.size > 0) {
      if (this.pending.length > 0 && this.running.size < this.maxConcurrent) this.submitBatch();
      else await Promise.race(this.running);
    }
  }

  private receive(msg: Buffer, rinfo: RemoteInfo): void {
    const source = rinfo.address;
    if (this.pending.length >= this.maxPending || this.pendingBytes + msg.length > this.maxPendingBytes) {
      this.opts.metrics.dropped.inc({ input: INPUT, reason: 'BUFFER_FULL' });
      this.logOnce('buffer', { pending: this.pending.length, pendingBytes: this.pendingBytes }, 'syslog UDP datagrams dropped: the pending buffer is full');
      return;
    }
    const tooLarge = msg.length > this.maxMessageBytes;
    if (!tooLarge && !isUtf8(msg)) {
      this.opts.metrics.invalidUtf8.inc({ input: INPUT });
      this.logOnce(source, { source, sample: sample(msg) }, 'syslog message is not valid UTF-8; invalid bytes replaced by U+FFFD');
    }
    const ecs: EcsFields = { 'log.source.address': formatSenderAddress(source, rinfo.port) };
    this.pending.push({ bytes: msg, source, ecs, org: this.orgs.orgOf(source), tooLarge });
    this.pendingBytes += msg.length;
    this.schedule();
  }

  private schedule(): void {
    while (this.pending.length >= this.maxBatch && this.running.size < this.maxConcurrent) this.submitBatch();
    if (this.pending.length > 0 && this.timer === undefined && this.running.size < this.maxConcurrent) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.pending.length > 0 && this.running.size < this.maxConcurrent) this.submitBatch();
      }, this.flushMs);
    }
  }

  private submitBatch(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, this.maxBatch);
    for (const p of batch) this.pendingBytes -= p.bytes.length;
    // One submission per organisation: a listener shared by several members stamps each sender's own.
    const byOrg = new Map<string, Pending[]>();
    for (const p of batch) {
      const group = byOrg.get(p.org);
      if (group) group.push(p);
      else byOrg.set(p.org, [p]);
    }
    const run = Promise.all([...byOrg].map(([org, group]) => this.submitGroup(org, group)))
      .then(() => undefined)
      .finally(() => {
        this.running.delete(run);
        if (this.socket) this.schedule();
      });
    this.running.add(run);
  }

  /** Submits one organisation's datagrams; never rejects (a refusal is counted as dropped). */
  private submitGroup(org: string, batch: Pending[]): Promise<void> {
    const records: Buffer[] = [];
    const recordErrors: RecordError[] = [];
    const recordEcs: EcsFields[] = [];
    batch.forEach((p, index) => {
      recordEcs[index] = p.ecs;
      if (p.tooLarge) {
        recordErrors.push({ index, code: 'FRAME_TOO_LARGE', message: `datagram of ${p.bytes.length} bytes exceeds the limit of ${this.maxMessageBytes} bytes` });
        this.logOnce(p.source, { source: p.source, bytes: p.bytes.length, sample: sample(p.bytes) }, 'syslog UDP datagram too large; rejected');
      } else {
        records[index] = p.bytes;
      }
    });
    return this.opts.ingest.submit(org, INPUT, records, { recordErrors, recordEcs }).then(
      (result) => {
        for (const r of result.rejected) {
          const p = batch[r.index];
          if (p && !p.tooLarge) this.logOnce(p.source, { source: p.source, code: r.code, error: r.message, sample: sample(p.bytes) }, 'syslog message rejected');
        }
      },
      (err: unknown) => {
        const reason = errorCode(err);
        this.opts.metrics.dropped.inc({ input: INPUT, reason }, batch.length);
        const level = err instanceof ShieldwallError && err.code === 'RATE_LIMITED' ? 'warn' : 'error';
        if (this.logLimiter.admit(`submit:${reason}`)) this.opts.logger[level]({ input: INPUT, org, reason, dropped: batch.length, err }, 'syslog UDP batch dropped: submission refused');
      },
    );
  }

  private logOnce(source: string, fields: Record<string, unknown>, msg: string): void {
    const admitted = this.logLimiter.admit(source);
    if (admitted) this.opts.logger.warn({ input: INPUT, ...fields, suppressedSinceLast: admitted.suppressed }, msg);
  }
}

/** Maps a bind failure to a catalogued error naming the address. */
export function bindError(err: NodeJS.ErrnoException, address: string): Error {
  if (err.code === 'EADDRINUSE') return new ShieldwallError('PORT_IN_USE', `${address} is already in use`, { address });
  if (err.code === 'EACCES') return new ShieldwallError('PORT_IN_USE', `no permission to listen on ${address}`, { address });
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return new ShieldwallError('CONFIG_INVALID', `cannot listen on ${address}: address not available`, { address });
  }
  return err;
}
