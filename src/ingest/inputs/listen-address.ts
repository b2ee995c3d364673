import { isIP } from 'node:net';
import { ShieldwallError } from '../../errors/error-catalog.js';

/** A parsed `host:port` listen address. */
export interface ListenAddress {
  host: string;
  port: number;
  /** 4 or 6 for an IP literal, 0 for a host name (resolved by the OS when binding). */
  family: 0 | 4 | 6;
}

/**
 * Parses `host:port`, `[v6]:port` or `v6-literal:port`-free forms into host and port. An IPv6
 * literal must be bracketed (`[::1]:5514`), since otherwise its last group is indistinguishable
 * from a port. `key` names the config key in error messages.
 *
 * @example
 * parseListenAddress('[::]:6514', 'ingest.syslog.tls.address'); // { host: '::', port: 6514, family: 6 }
 */
export function parseListenAddress(text: string, key: string): ListenAddress {
  const invalid = (why: string): ShieldwallError =>
    new ShieldwallError('CONFIG_INVALID', `config: ${key} ${JSON.stringify(text)} ${why}`, { key });
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]+):(\d+)$/.exec(text);
  if (!m) {
    throw invalid(text.split(':').length > 2 ? 'has several colons: bracket an IPv6 address, e.g. [::1]:5514' : 'is not host:port');
  }
  const host = m[1]!;
  const port = Number(m[2]);
  if (port > 65535) throw invalid(`has port ${port}, above 65535`);
  const family = isIP(host);
  if (text.startsWith('[') && family !== 6) throw invalid('brackets something that is not an IPv6 address');
  return { host, port, family: family === 4 || family === 6 ? family : 0 };
}

/** Formats a bound address back to `host:port` (IPv6 bracketed). */
export function formatListenAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * A sender's `ip:port` as recorded in `log.source.address` (IPv6 bracketed, as Filebeat writes
 * it). An IPv4-mapped peer of a dual-stack `[::]` socket (`::ffff:10.0.0.1`) is written as IPv4,
 * so one sender has one address whichever socket it reached.
 */
export function formatSenderAddress(ip: string, port: number): string {
  return formatListenAddress(ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip, port);
}
