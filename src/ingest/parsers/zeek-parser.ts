import { assignDefined, toInt, toPort, toText, toTransport, urlFields, type EcsFields } from './ecs-fields.js';
import { childRecord, parseJsonRecord } from './json-record.js';
import type { NormalizedEvent } from './normalized-event.js';
import { fail, kindOf, ok, type ParseResult } from './parse-result.js';
import { parseIsoTime } from './timestamps.js';

/**
 * Log types recognised from their fields when `_path` is absent, in the order tried: the more
 * specific signatures first, `conn` last because other logs share its 5-tuple fields.
 */
const signatures: readonly (readonly [string, readonly string[]])[] = [
  ['notice', ['note', 'msg']],
  ['intel', ['seen.indicator']],
  ['files', ['fuid', 'seen_bytes']],
  ['x509', ['certificate.subject']],
  ['dns', ['query', 'trans_id']],
  ['http', ['trans_depth', 'uri']],
  ['ssl', ['established', 'cipher']],
  ['kerberos', ['request_type', 'client', 'service']],
  ['smtp', ['mailfrom', 'rcptto']],
  ['ssh', ['auth_attempts']],
  ['dce_rpc', ['endpoint', 'operation']],
  ['dhcp', ['msg_types']],
  ['weird', ['name', 'addl']],
  ['conn', ['conn_state']],
  ['conn', ['history', 'proto', 'uid']],
];

/** Zeek `proto`-independent application protocol named by each log, for `network.protocol`. */
const protocols: Readonly<Record<string, string>> = {
  dns: 'dns', http: 'http', ssl: 'tls', smtp: 'smtp', ssh: 'ssh', kerberos: 'kerberos', dce_rpc: 'dce_rpc', dhcp: 'dhcp',
};

/**
 * Detects the Zeek log type of a JSON record: `_path` when present (Zeek writes it with
 * `LogAscii::json_…` streaming, Filebeat and Corelight add it), else the field signatures above.
 * Returns undefined when the record does not look like any Zeek log.
 */
export function detectZeekLogType(obj: Record<string, unknown>): string | undefined {
  const path = obj['_path'];
  if (typeof path === 'string' && path.length > 0) return path;
  for (const [type, fields] of signatures) {
    if (fields.every((f) => get(obj, f) !== undefined)) return type;
  }
  return undefined;
}

/**
 * Parses one Zeek JSON log record (`LogAscii::use_json=T`) into a {@link NormalizedEvent}. Keys
 * may be flat (`id.orig_h`, Zeek's default) or nested (`id: {orig_h}`); `ts` may be epoch
 * seconds or ISO 8601 (`LogAscii::json_timestamps`). `logsource` is `{product: 'zeek',
 * service: <log type>}` as Sigma's Zeek rules expect.
 */
export function parseZeek(input: string | Record<string, unknown>): ParseResult<NormalizedEvent> {
  const record = typeof input === 'string' ? parseJsonRecord(input) : ok(input);
  if (!record.ok) return record;
  const obj = record.value;
  const ts = obj['ts'];
  // Floor, not round: ISO fractions are truncated to ms too, so both layouts give the same time.
  const time = typeof ts === 'number' && Number.isFinite(ts) ? Math.floor(ts * 1000) : typeof ts === 'string' ? parseIsoTime(ts) : undefined;
  if (time === undefined) {
    return fail('ZEEK_BAD_EVENT', `Zeek field 'ts' must be epoch seconds or an ISO 8601 time, got ${typeof ts === 'string' ? `'${ts}'` : kindOf(ts)}`, { field: 'ts' });
  }
  const logType = detectZeekLogType(obj);
  if (logType === undefined) {
    return fail('ZEEK_BAD_EVENT', 'record has ts but neither _path nor the fields of a known Zeek log (conn, dns, http, ssl, files, notice, …)', { field: '_path' });
  }
  const ecs: EcsFields = assignDefined({}, {
    '@timestamp': new Date(time).toISOString(),
    'event.kind': logType === 'notice' || logType === 'weird' || logType === 'intel' ? 'alert' : 'event',
    'event.category': ['network'],
    'event.module': 'zeek',
    'event.dataset': `zeek.${logType}`,
    'event.id': toText(obj['uid']) ?? toText(obj['fuid']),
    'source.ip': toText(get(obj, 'id.orig_h')),
    'source.port': toPort(get(obj, 'id.orig_p')),
    'destination.ip': toText(get(obj, 'id.resp_h')),
    'destination.port': toPort(get(obj, 'id.resp_p')),
    'network.transport': toTransport(obj['proto']),
    'network.protocol': protocols[logType] ?? toText(obj['service'])?.split(',')[0],
    'network.community_id': toText(obj['community_id']),
  });
  const message = mapByType(logType, obj, ecs);
  if (message !== undefined) ecs.message = message;
  const event: NormalizedEvent = { time, sourceFormat: 'zeek', raw: obj, ecs, logsource: { product: 'zeek', service: logType } };
  if (message !== undefined) event.message = message;
  return ok(event);
}

/** Fills the log-specific ECS fields; returns a message when the log has one. */
function mapByType(logType: string, o: Record<string, unknown>, ecs: EcsFields): string | undefined {
  switch (logType) {
    case 'conn': {
      const duration = typeof o['duration'] === 'number' ? o['duration'] : undefined;
      assignDefined(ecs, {
        'event.type': ['connection', 'info'],
        'event.action': toText(o['conn_state']),
        'event.duration': duration === undefined ? undefined : Math.round(duration * 1e9),
        'source.bytes': toInt(o['orig_bytes']),
        'source.packets': toInt(o['orig_pkts']),
        'destination.bytes': toInt(o['resp_bytes']),
        'destination.packets': toInt(o['resp_pkts']),
      });
      return undefined;
    }
    case 'dns':
      assignDefined(ecs, {
        'event.type': ['protocol', 'info'],
        'dns.question.name': toText(o['query']),
        'dns.question.type': toText(o['qtype_name']),
        'dns.response_code': toText(o['rcode_name']),
      });
      return undefined;
    case 'http':
      assignDefined(ecs, urlFields(toText(o['uri']), toText(o['host']), ecs['destination.port']));
      assignDefined(ecs, {
        'event.category': ['network', 'web'],
        'event.type': ['protocol', 'info'],
        'http.request.method': toText(o['method']),
        'http.response.status_code': toInt(o['status_code']),
        'user_agent.original': toText(o['user_agent']),
      });
      return undefined;
    case 'ssl': {
      const m = /^(TLS|SSL|DTLS)v(\d)(\d)?$/i.exec(toText(o['version']) ?? '');
      assignDefined(ecs, {
        'event.type': ['protocol', 'info'],
        'tls.client.server_name': toText(o['server_name']),
        'tls.version': m === null ? undefined : m[3] === undefined ? m[2] : `${m[2]}.${m[3]}`,
        'tls.version_protocol': m?.[1]?.toLowerCase(),
      });
      return undefined;
    }
    case 'files': {
      const tx = o['tx_hosts'];
      const rx = o['rx_hosts'];
      assignDefined(ecs, {
        'event.category': ['network', 'file'],
        'event.type': ['info'],
        'file.name': toText(o['filename']),
        'file.mime_type': toText(o['mime_type']),
        'file.size': toInt(o['total_bytes']) ?? toInt(o['seen_bytes']),
        'file.hash.md5': toText(o['md5']),
        'file.hash.sha1': toText(o['sha1']),
        'file.hash.sha256': toText(o['sha256']),
      });
      if (ecs['source.ip'] === undefined && Array.isArray(tx)) assignDefined(ecs, { 'source.ip': toText(tx[0]) });
      if (ecs['destination.ip'] === undefined && Array.isArray(rx)) assignDefined(ecs, { 'destination.ip': toText(rx[0]) });
      return undefined;
    }
    case 'notice':
      assignDefined(ecs, {
        'event.category': ['intrusion_detection'],
        'event.type': ['info'],
        'rule.name': toText(o['note']),
        'source.ip': ecs['source.ip'] ?? toText(o['src']),
        'destination.ip': ecs['destination.ip'] ?? toText(o['dst']),
        'destination.port': ecs['destination.port'] ?? toPort(o['p']),
      });
      return toText(o['msg']);
    case 'weird':
      assignDefined(ecs, { 'event.type': ['info'], 'rule.name': toText(o['name']) });
      return toText(o['addl']) ?? toText(o['name']);
    case 'kerberos': {
      const client = toText(o['client']);
      const slash = client?.indexOf('/') ?? -1;
      assignDefined(ecs, {
        'event.category': ['network', 'authentication'],
        'event.type': ['info'],
        'event.action': toText(o['request_type']),
        'event.outcome': o['success'] === true ? 'success' : o['success'] === false ? 'failure' : undefined,
        'user.name': client === undefined ? undefined : slash < 0 ? client : client.slice(0, slash),
        'user.domain': client === undefined || slash < 0 ? undefined : client.slice(slash + 1),
      });
      return undefined;
    }
    case 'ssh':
      assignDefined(ecs, {
        'event.category': ['network', 'authentication'],
        'event.type': ['info'],
        'event.outcome': o['auth_success'] === true ? 'success' : o['auth_success'] === false ? 'failure' : undefined,
      });
      return undefined;
    default:
      ecs['event.type'] = ['info'];
      return undefined;
  }
}

/** Reads a Zeek field by its dotted name, flat (`"id.orig_h"`) or nested (`id: {orig_h}`). */
function get(obj: Record<string, unknown>, name: string): unknown {
  const flat = obj[name];
  if (flat !== undefined) return flat;
  const dot = name.indexOf('.');
  if (dot < 0) return undefined;
  const child = childRecord(obj, name.slice(0, dot));
  return child === undefined ? undefined : get(child, name.slice(dot + 1));
}

