import { readFileSync } from 'node:fs';
import type { Counter, Registry } from 'prom-client';
import type { Config } from '../../config/index.js';
import { ShieldwallError } from '../../errors/error-catalog.js';
import type { Clock } from '../../shared/clock.js';
import type { IngestTarget, InputLogger } from './input-deps.js';
import { SyslogInputMetrics } from './syslog-input-metrics.js';
import { SyslogTcpInput } from './syslog-tcp-input.js';
import { SyslogUdpInput } from './syslog-udp-input.js';

/** What {@link SyslogListeners.start} needs from the node. */
export interface SyslogListenersDeps {
  ingest: IngestTarget;
  registry: Registry;
  /** The pipeline's `shieldwall_ingest_dropped_total` counter. */
  dropped: Counter<'input' | 'reason'>;
  logger: InputLogger;
  clock: Clock;
}

/** Bound `host:port` of each listener that runs. */
export interface SyslogAddresses {
  udp?: string;
  tcp?: string;
  tls?: string;
}

type Listener = SyslogUdpInput | SyslogTcpInput;

/**
 * The syslog listeners a node's config asks for (`ingest.syslog.udp`, `.tcp`, `.tls`), started
 * together and closed together. With none configured, nothing listens and no metric is registered.
 *
 * @example
 * const syslog = await SyslogListeners.start(config.ingest, { ingest, registry, dropped, logger, clock });
 * syslog.addresses; // { udp: '127.0.0.1:5514' }
 * await syslog.close(); // before the pipeline stops
 */
export class SyslogListeners {
  private constructor(
    readonly addresses: SyslogAddresses,
    private readonly listeners: Listener[],
  ) {}

  static async start(ingest: Pick<Config['ingest'], 'maxLineBytes' | 'syslog'>, deps: SyslogListenersDeps): Promise<SyslogListeners> {
    const { tls, org } = ingest.syslog;
    const udp = longForm(ingest.syslog.udp);
    const tcp = longForm(ingest.syslog.tcp);
    if (!udp && !tcp && !tls) return new SyslogListeners({}, []);
    const common = { ingest: deps.ingest, metrics: new SyslogInputMetrics(deps.registry, deps.dropped), logger: deps.logger, clock: deps.clock };
    const addresses: SyslogAddresses = {};
    const listeners: Listener[] = [];
    const routes: Record<string, { org: string; senders: number }> = {};
    try {
      if (udp) {
        const route = { org: udp.org ?? org, senders: udp.senders ?? [] };
        const input = new SyslogUdpInput({ ...common, ...route, address: udp.address, maxMessageBytes: ingest.maxLineBytes, recvBufferBytes: ingest.syslog.udpReceiveBufferBytes });
        listeners.push(input);
        addresses.udp = await input.start();
        routes.udp = { org: route.org, senders: route.senders.length };
      }
      if (tcp) {
        const route = { org: tcp.org ?? org, senders: tcp.senders ?? [] };
        const input = new SyslogTcpInput({ ...common, ...route, address: tcp.address, maxFrameBytes: ingest.maxLineBytes });
        listeners.push(input);
        addresses.tcp = await input.start();
        routes.tcp = { org: route.org, senders: route.senders.length };
      }
      if (tls) {
        if (tls.clientOrgs?.length && !tls.ca) {
          // Without a CA no client certificate is asked for, so the mapping could never apply.
          throw new ShieldwallError('CONFIG_INVALID', 'config: ingest.syslog.tls.clientOrgs needs ingest.syslog.tls.ca: client certificates are only asked for with mutual TLS', { key: 'ingest.syslog.tls.clientOrgs' });
        }
        const route = { org: tls.org ?? org, senders: tls.senders ?? [] };
        const pem = {
          cert: readPem(tls.cert, 'ingest.syslog.tls.cert'),
          key: readPem(tls.key, 'ingest.syslog.tls.key'),
          ...(tls.ca ? { ca: readPem(tls.ca, 'ingest.syslog.tls.ca') } : {}),
          ...(tls.clientOrgs ? { clientOrgs: tls.clientOrgs } : {}),
        };
        const input = new SyslogTcpInput({ ...common, ...route, address: tls.address, maxFrameBytes: ingest.maxLineBytes, tls: pem });
        listeners.push(input);
        addresses.tls = await input.start();
        routes.tls = { org: route.org, senders: route.senders.length };
      }
    } catch (err) {
      await Promise.all(listeners.map((l) => l.close().catch(() => undefined)));
      throw err;
    }
    for (const [kind, address] of Object.entries(addresses)) {
      deps.logger.info({ kind, address, org: routes[kind]?.org, senderRules: routes[kind]?.senders, ...(kind === 'tls' && tls?.ca ? { mutualTls: true } : {}) }, 'syslog listener started');
    }
    return new SyslogListeners(addresses, listeners);
  }

  /** Stops every listener and waits until what they received is submitted. */
  async close(): Promise<void> {
    await Promise.all(this.listeners.map((l) => l.close()));
  }
}

type ListenerConfig = Config['ingest']['syslog']['udp'];

/** A listener as `{ address, org?, senders? }`, whether the config gave the short (address) form or the long one. */
export function longForm(listener: ListenerConfig): Exclude<ListenerConfig, string | null> | undefined {
  if (!listener) return undefined;
  return typeof listener === 'string' ? { address: listener } : listener;
}

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ShieldwallError('CONFIG_INVALID', `config: ${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { key, file });
  }
}
