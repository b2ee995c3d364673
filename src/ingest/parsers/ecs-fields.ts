/**
 * The Elastic Common Schema subset Shieldwall fills, as flat dotted ECS field names (exactly as
 * ECS spells them). Flat keys keep lookups cheap in the hot path; {@link toEcsDocument} nests
 * them when a nested document is wanted.
 */
export interface EcsFields {
  '@timestamp'?: string;
  message?: string;
  'event.kind'?: 'alert' | 'event' | 'metric' | 'state' | 'signal' | 'pipeline_error';
  'event.category'?: string[];
  'event.type'?: string[];
  'event.action'?: string;
  'event.code'?: string;
  'event.id'?: string;
  'event.module'?: string;
  'event.dataset'?: string;
  'event.provider'?: string;
  'event.severity'?: number;
  'event.outcome'?: 'success' | 'failure' | 'unknown';
  'event.start'?: string;
  'event.end'?: string;
  'event.duration'?: number;
  'host.name'?: string;
  'observer.vendor'?: string;
  'observer.product'?: string;
  'observer.version'?: string;
  'observer.hostname'?: string;
  'source.ip'?: string;
  'source.port'?: number;
  'source.domain'?: string;
  'source.bytes'?: number;
  'source.packets'?: number;
  'destination.ip'?: string;
  'destination.port'?: number;
  'destination.domain'?: string;
  'destination.bytes'?: number;
  'destination.packets'?: number;
  'network.transport'?: string;
  'network.protocol'?: string;
  'network.community_id'?: string;
  'network.direction'?: string;
  'user.name'?: string;
  'user.domain'?: string;
  'user.id'?: string;
  'process.pid'?: number;
  'process.name'?: string;
  'process.executable'?: string;
  'process.command_line'?: string;
  'process.hash.md5'?: string;
  'process.hash.sha1'?: string;
  'process.hash.sha256'?: string;
  'process.parent.pid'?: number;
  'process.parent.name'?: string;
  'process.parent.executable'?: string;
  'process.parent.command_line'?: string;
  'url.original'?: string;
  'url.full'?: string;
  'url.domain'?: string;
  'url.path'?: string;
  'url.query'?: string;
  'http.request.method'?: string;
  'http.response.status_code'?: number;
  'user_agent.original'?: string;
  'dns.question.name'?: string;
  'dns.question.type'?: string;
  'dns.response_code'?: string;
  'file.name'?: string;
  'file.path'?: string;
  'file.size'?: number;
  'file.mime_type'?: string;
  'file.hash.md5'?: string;
  'file.hash.sha1'?: string;
  'file.hash.sha256'?: string;
  'registry.path'?: string;
  'tls.client.server_name'?: string;
  'tls.version'?: string;
  'tls.version_protocol'?: string;
  'rule.id'?: string;
  'rule.name'?: string;
  'rule.category'?: string;
  'threat.technique.id'?: string[];
  /**
   * `ip:port` of the peer a record was received from (`[v6]:port` for IPv6), set by the input
   * that received it, not by a parser. Not an ECS field: it is the one Filebeat's and Elastic
   * Agent's syslog, TCP and UDP inputs add (type keyword, "Source address from which the log event
   * was read / sent from"), so Elastic dashboards and queries written for them work unchanged.
   */
  'log.source.address'?: string;
  'log.syslog.facility.code'?: number;
  'log.syslog.facility.name'?: string;
  'log.syslog.severity.code'?: number;
  'log.syslog.severity.name'?: string;
  'log.syslog.hostname'?: string;
  'log.syslog.appname'?: string;
  'log.syslog.procid'?: string;
  'log.syslog.msgid'?: string;
  'winlog.channel'?: string;
  'winlog.event_id'?: string;
  'winlog.record_id'?: string;
  'winlog.provider_name'?: string;
}

/** Nests flat dotted ECS fields into an ECS JSON document (`{event: {code: …}}`). */
export function toEcsDocument(ecs: EcsFields): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(ecs)) {
    if (value === undefined) continue;
    if (key === '@timestamp') {
      doc[key] = value;
      continue;
    }
    const parts = key.split('.');
    let node = doc;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i]!;
      const next = node[part];
      if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
        node = next as Record<string, unknown>;
      } else {
        const created: Record<string, unknown> = {};
        node[part] = created;
        node = created;
      }
    }
    node[parts[parts.length - 1]!] = value;
  }
  return doc;
}

/**
 * `url.original`, `url.path`, `url.query` and, when the host is known (or the target is already
 * absolute), `url.full` and `url.domain`. A request target such as `/a/b?x=1` seen on plain HTTP
 * gives `http://host[:port]/a/b?x=1`; the port is left out when it is 80.
 */
export function urlFields(target: string | undefined, host?: string, port?: number): EcsFields {
  if (target === undefined) return {};
  const absolute = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(target);
  const pathAndQuery = absolute === null ? target : absolute[3] === '' ? '/' : absolute[3]!;
  const q = pathAndQuery.indexOf('?');
  const out: EcsFields = { 'url.original': target, 'url.path': q < 0 ? pathAndQuery : pathAndQuery.slice(0, q) };
  if (q >= 0) out['url.query'] = pathAndQuery.slice(q + 1);
  if (absolute !== null) {
    out['url.full'] = target;
    out['url.domain'] = absolute[2]!.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  } else if (host !== undefined && target.startsWith('/')) {
    out['url.full'] = `http://${host}${port === undefined || port === 80 ? '' : `:${port}`}${target}`;
    out['url.domain'] = host;
  }
  return out;
}

/** A TCP/UDP port from a number or a decimal string; undefined when absent or out of range. */
export function toPort(value: unknown): number | undefined {
  const n = toInt(value);
  return n !== undefined && n >= 0 && n <= 65_535 ? n : undefined;
}

/** An integer from a number, a decimal string or a `0x` hex string (Windows writes both). */
export function toInt(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 20) return undefined;
  const n = /^0x[0-9a-f]+$/i.test(value) ? Number.parseInt(value.slice(2), 16) : /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A non-empty string, or undefined (also for the `-` placeholder many producers write). */
export function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length === 0 || value === '-' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The last component of a Windows or POSIX path. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? path : path.slice(i + 1);
}

/** IANA protocol number or name to the lowercase `network.transport` ECS expects. */
export function toTransport(value: unknown): string | undefined {
  if (value === 6 || value === '6') return 'tcp';
  if (value === 17 || value === '17') return 'udp';
  if (value === 1 || value === '1') return 'icmp';
  if (value === 58 || value === '58') return 'ipv6-icmp';
  const text = toText(value);
  return text === undefined ? undefined : text.toLowerCase();
}

/** Copies defined values only, so absent source fields never appear as `undefined` keys. */
export function assignDefined(target: EcsFields, fields: EcsFields): EcsFields {
  // for-in, not Object.entries: this runs several times per event and entries() allocates pairs.
  const src = fields as Record<string, unknown>;
  const dst = target as Record<string, unknown>;
  for (const key in src) {
    const value = src[key];
    if (value !== undefined) dst[key] = value;
  }
  return target;
}
