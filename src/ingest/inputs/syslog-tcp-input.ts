import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { SyslogInputDeps } from './input-deps.js';
import { formatListenAddress, formatSenderAddress, parseListenAddress } from './listen-address.js';
import { SenderOrgMap, type SenderRule } from './sender-org-map.js';
import { SourceLogLimiter } from './source-log-limiter.js';
import { SyslogConnection, type SyslogConnectionStats } from './syslog-connection.js';
import { bindError } from './syslog-udp-input.js';

/** Options of {@link SyslogTcpInput}. */
export interface SyslogTcpInputOptions extends SyslogInputDeps {
  /** `host:port` or `[v6]:port`; port 0 picks a free port. */
  address: string;
  /**
   * PEM certificate chain and key: syslog over TLS (RFC 5425) instead of plain TCP. With `ca`,
   * every client must present a certificate signed by it (mutual TLS), and `clientOrgs` maps the
   * certificate's subject CN to an organisation (ahead of `senders`).
   */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer; clientOrgs?: readonly { cn: string; org: string }[] };
  /** Sender IP → organisation rules (first match wins); senders matching none get `org`. */
  senders?: readonly SenderRule[];
  /** Largest frame (`ingest.maxLineBytes`, default 65,536); larger ones are rejected, the connection stays up. */
  maxFrameBytes?: number;
  /** Frames per submission (default 500). */
  maxBatch?: number;
  /** How long a partial batch may wait (default 20 ms). */
  flushMs?: number;
  /** Open connections above which new ones are closed at once (default 1,024). */
  maxConnections?: number;
  /**
   * Open connections of one sender IP above which its new ones are closed at once (default 256,
   * a quarter of the default listener limit), so one misbehaving sender cannot take every slot.
   */
  maxConnectionsPerSource?: number;
  /** First retry delay of a refused batch (default 100 ms), doubling up to `maxRetryDelayMs` (default 2 s). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Attempts before a batch refused with anything but RATE_LIMITED is dropped (default 5). */
  maxAttempts?: number;
  /**
   * TLS only: how long a client may take to complete the handshake (default 10 s, Node's is 120 s).
   * A connection that never says hello holds a connection slot meanwhile, so a few idle sockets
   * must not be able to fill the listener for everyone else.
   */
  handshakeTimeoutMs?: number;
}

/**
 * Syslog over TCP (RFC 6587) or TLS (RFC 5425): each connection gets its own framer (octet
 * counting or LF, detected per connection) and its own backpressure, see {@link SyslogConnection}.
 * A bad frame or a misbehaving client costs only that client's records; other clients and the
 * listener keep working.
 *
 * @example
 * const tcp = new SyslogTcpInput({ address: '0.0.0.0:601', org, ingest, metrics, logger, clock });
 * await tcp.start(); // '0.0.0.0:601'
 */
export class SyslogTcpInput {
  readonly input: 'syslog-tcp' | 'syslog-tls';
  private server: Server | undefined;
  private bound = '';
  private readonly open = new Set<SyslogConnection>();
  private readonly perSource = new Map<string, number>();
  private readonly logLimiter: SourceLogLimiter;
  private readonly orgs: SenderOrgMap;
  private readonly certOrgs: ReadonlyMap<string, string>;

  constructor(private readonly opts: SyslogTcpInputOptions) {
    this.input = opts.tls ? 'syslog-tls' : 'syslog-tcp';
    this.logLimiter = new SourceLogLimiter(opts.clock);
    this.orgs = new SenderOrgMap(opts.senders ?? [], opts.org, opts.tls ? 'ingest.syslog.tls.senders' : 'ingest.syslog.tcp.senders');
    this.certOrgs = new Map((opts.tls?.clientOrgs ?? []).map((r) => [r.cn, r.org]));
  }

  /** The bound `host:port` (after {@link start}). */
  get address(): string {
    return this.bound;
  }

  /** Per-connection state: bytes read, records queued, whether reading is paused. */
  connections(): SyslogConnectionStats[] {
    return [...this.open].map((c) => c.stats());
  }

  /** Starts listening; resolves with the bound address. A taken port is PORT_IN_USE. */
  async start(): Promise<string> {
    const key = this.opts.tls ? 'ingest.syslog.tls.address' : 'ingest.syslog.tcp';
    const where = parseListenAddress(this.opts.address, key);
    const onSocket = (socket: Socket) => this.accept(socket);
    const tls = this.opts.tls;
    const server = tls
      ? createTlsServer({
        cert: tls.cert,
        key: tls.key,
        handshakeTimeout: this.opts.handshakeTimeoutMs ?? 10_000,
        ...(tls.ca ? { ca: tls.ca, requestCert: true, rejectUnauthorized: true } : {}),
      }, onSocket)
      : createServer(onSocket);
    server.maxConnections = this.opts.maxConnections ?? 1024;
    server.on('drop', (peer?: { remoteAddress?: string }) => {
      this.opts.metrics.connectionsRefused.inc({ input: this.input });
      const ip = peer?.remoteAddress ?? 'unknown';
      const admitted = this.logLimiter.admit(`limit:${ip}`);
      if (admitted) this.opts.logger.warn({ input: this.input, source: ip, maxConnections: server.maxConnections }, 'syslog connection refused: connection limit reached');
    });
    server.on('tlsClientError', (err: Error, socket: Socket) => {
      const ip = socket.remoteAddress ?? 'unknown';
      if (this.logLimiter.admit(`tls:${ip}`)) this.opts.logger.warn({ input: this.input, source: ip, err: err.message }, 'syslog TLS handshake failed');
      // Node leaves a socket whose handshake timed out open once this event has a listener.
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(bindError(err, this.opts.address)));
      server.listen(where.port, where.host, () => resolve());
    });
    server.removeAllListeners('error');
    server.on('error', (err) => this.opts.logger.error({ err, input: this.input }, 'syslog listener error'));
    this.server = server;
    const a = server.address();
    this.bound = a && typeof a === 'object' ? formatListenAddress(a.address, a.port) : this.opts.address;
    return this.bound;
  }

  /** Stops accepting, ends every connection and waits until what they framed is submitted. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const stopped = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    const connections = [...this.open];
    for (const c of connections) c.shutdown();
    await Promise.all([stopped, ...connections.map((c) => c.closed)]);
  }

  private accept(socket: Socket): void {
    const ip = socket.remoteAddress ?? 'unknown';
    const fromIp = this.perSource.get(ip) ?? 0;
    const maxPerSource = this.opts.maxConnectionsPerSource ?? 256;
    if (fromIp >= maxPerSource) {
      this.opts.metrics.connectionsRefused.inc({ input: this.input });
      const admitted = this.logLimiter.admit(`limit:${ip}`);
      if (admitted) this.opts.logger.warn({ input: this.input, source: ip, maxConnectionsPerSource: maxPerSource, suppressedSinceLast: admitted.suppressed }, 'syslog connection refused: too many connections from this sender');
      socket.destroy();
      return;
    }
    this.perSource.set(ip, fromIp + 1);
    // Syslog connections idle for hours; keepalive finds peers that vanished without a FIN.
    socket.setKeepAlive(true, 60_000);
    const connection = new SyslogConnection(
      socket,
      this.opts,
      {
        input: this.input,
        org: this.orgOf(socket, ip),
        source: formatListenAddress(ip, socket.remotePort ?? 0),
        sourceIp: ip,
        // Read now: a socket's peer address is gone once it closes, and its last frames still go out.
        ...(socket.remoteAddress && socket.remotePort !== undefined
          ? { sourceEcs: { 'log.source.address': formatSenderAddress(socket.remoteAddress, socket.remotePort) } }
          : {}),
        maxFrameBytes: this.opts.maxFrameBytes ?? 65_536,
        maxBatch: this.opts.maxBatch ?? 500,
        flushMs: this.opts.flushMs ?? 20,
        retryDelayMs: this.opts.retryDelayMs ?? 100,
        maxRetryDelayMs: this.opts.maxRetryDelayMs ?? 2000,
        maxAttempts: this.opts.maxAttempts ?? 5,
      },
      this.logLimiter,
    );
    this.open.add(connection);
    this.opts.metrics.connections.inc({ input: this.input });
    void connection.closed.then(() => {
      this.open.delete(connection);
      const left = (this.perSource.get(ip) ?? 1) - 1;
      if (left > 0) this.perSource.set(ip, left);
      else this.perSource.delete(ip);
      this.opts.metrics.connections.dec({ input: this.input });
    });
  }

  /**
   * A connection's organisation: the one its client certificate's CN is mapped to (mutual TLS),
   * else the first sender rule matching its IP, else the listener's default.
   */
  private orgOf(socket: Socket, ip: string): string {
    if (this.certOrgs.size > 0) {
      const cn = (socket as TLSSocket).getPeerCertificate?.()?.subject?.CN;
      const org = typeof cn === 'string' ? this.certOrgs.get(cn) : undefined;
      if (org) return org;
    }
    return this.orgs.orgOf(ip);
  }
}
