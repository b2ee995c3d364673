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
    const { udp, tcp, tls, org } = ingest.syslog;
    if (!udp && !tcp && !tls) return new SyslogListeners({}, []);
    const common = { org, ingest: deps.ingest, metrics: new SyslogInputMetrics(deps.registry, deps.dropped), logger: deps.logger, clock: deps.clock };
    const addresses: SyslogAddresses = {};
    const listeners: Listener[] = [];
    try {
      if (udp) {
        const input = new SyslogUdpInput({ ...common, address: udp, maxMessageBytes: ingest.maxLineBytes });
        listeners.push(input);
        addresses.udp = await input.start();
      }
      if (tcp) {
        const input = new SyslogTcpInput({ ...common, address: tcp, maxFrameBytes: ingest.maxLineBytes });
        listeners.push(input);
        addresses.tcp = await input.start();
      }
      if (tls) {
        const pem = { cert: readPem(tls.cert, 'ingest.syslog.tls.cert'), key: readPem(tls.key, 'ingest.syslog.tls.key') };
        const input = new SyslogTcpInput({ ...common, address: tls.address, maxFrameBytes: ingest.maxLineBytes, tls: pem });
        listeners.push(input);
        addresses.tls = await input.start();
      }
    } catch (err) {
      await Promise.all(listeners.map((l) => l.close().catch(() => undefined)));
      throw err;
    }
    for (const [kind, address] of Object.entries(addresses)) deps.logger.info({ kind, address, org }, 'syslog listener started');
    return new SyslogListeners(addresses, listeners);
  }

  /** Stops every listener and waits until what they received is submitted. */
  async close(): Promise<void> {
    await Promise.all(this.listeners.map((l) => l.close()));
  }
}

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ShieldwallError('CONFIG_INVALID', `config: ${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { key, file });
  }
}
