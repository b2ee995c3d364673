import { ShieldwallError } from '../errors/error-catalog.js';
import type { Bus } from './bus.js';
import { MemoryBus, type MemoryBusOptions } from './memory/memory-bus.js';
import { NatsBus, type NatsBusOptions } from './nats/nats-bus.js';

/** Options passed through to whichever adapter the URL selects. */
export type CreateBusOptions = MemoryBusOptions & NatsBusOptions;

/**
 * The bus named by a URL: absent or `memory:` → {@link MemoryBus}; `nats://host:port` (or `tls://`,
 * several comma-separated) → {@link NatsBus}, connected and checked for JetStream.
 * Throws CONFIG_INVALID for another scheme and BUS_UNAVAILABLE (one line: `cannot reach NATS at
 * <url>: <reason>`) when NATS does not answer.
 *
 * @example
 * const bus = await createBus(config.busUrl); // 'nats://127.0.0.1:4222'
 */
export async function createBus(url: string | undefined, opts: CreateBusOptions = {}): Promise<Bus> {
  const trimmed = url?.trim();
  if (trimmed === undefined || trimmed === '' || /^memory:(\/\/)?$/.test(trimmed)) return new MemoryBus(opts);
  const servers = trimmed.split(',').map((s) => s.trim());
  const bad = servers.find((s) => !/^(nats|tls):\/\/[^\s/]+$/.test(s));
  if (bad !== undefined) {
    throw new ShieldwallError(
      'CONFIG_INVALID',
      `bus URL "${bad}" is not understood: use memory: or nats://host:port (several separated by commas)`,
      { where: 'bus url', value: bad },
    );
  }
  return NatsBus.connect(servers.join(','), opts);
}
