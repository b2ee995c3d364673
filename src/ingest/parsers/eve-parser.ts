import { assignDefined, baseName, toInt, toPort, toText, toTransport, urlFields, type EcsFields } from './ecs-fields.js';
import { childRecord, isRecord, parseJsonRecord } from './json-record.js';
import type { NormalizedEvent } from './normalized-event.js';
import { fail, kindOf, ok, type ParseResult } from './parse-result.js';
import { parseIsoTime } from './timestamps.js';

/** ECS category and type by EVE event_type; anything else is a plain network event. */
const categories: Readonly<Record<string, { category: string[]; type: string[] }>> = {
  alert: { category: ['network', 'intrusion_detection'], type: ['info'] },
  anomaly: { category: ['network'], type: ['info'] },
  flow: { category: ['network'], type: ['connection', 'end'] },
  netflow: { category: ['network'], type: ['connection'] },
  fileinfo: { category: ['network', 'file'], type: ['info'] },
  krb5: { category: ['network', 'authentication'], type: ['protocol'] },
  stats: { category: ['host'], type: ['info'] },
};

/**
 * Parses one Suricata EVE record (an NDJSON line or an already-parsed object) into a
 * {@link NormalizedEvent}. `raw` is the record unchanged; `ecs` follows Elastic's Suricata
 * module: 5-tuple, `network.*`, `rule.*` and `threat.technique.id` for alerts, `url.*`/`http.*`,
 * `dns.question.*`, `tls.*`, `file.*` and flow counters. `flow_id` stays in `raw` only: it joins
 * an alert to its flow and protocol records but is shared by them, so it is not an `event.id`.
 * Works for every event_type; types without a mapping keep the common fields. The `stats`
 * record's time is the sensor's clock, not traffic time, so it is `event.kind: metric`.
 */
export function parseEve(input: string | Record<string, unknown>): ParseResult<NormalizedEvent> {
  const record = typeof input === 'string' ? parseJsonRecord(input) : ok(input);
  if (!record.ok) return record;
  const obj = record.value;
  const eventType = obj['event_type'];
  if (typeof eventType !== 'string' || eventType.length === 0) {
    return fail('EVE_BAD_EVENT', `EVE field 'event_type' must be a non-empty string, got ${kindOf(eventType)}`, { field: 'event_type' });
  }
  const timestamp = obj['timestamp'];
  const time = typeof timestamp === 'string' ? parseIsoTime(timestamp) : undefined;
  if (time === undefined) {
    return fail('EVE_BAD_EVENT', `EVE field 'timestamp' must be an ISO 8601 time, got ${typeof timestamp === 'string' ? `'${timestamp}'` : kindOf(timestamp)}`, { field: 'timestamp' });
  }
  const mapping = categories[eventType] ?? { category: ['network'], type: ['protocol'] };
  // Set one by one rather than assignDefined over a literal: this runs once per EVE record.
  const ecs: EcsFields = {
    '@timestamp': new Date(time).toISOString(),
    'event.kind': eventType === 'alert' ? 'alert' : eventType === 'stats' ? 'metric' : 'event',
    'event.category': mapping.category,
    'event.type': mapping.type,
    'event.module': 'suricata',
    'event.dataset': `suricata.${eventType}`,
  };
  const sourceIp = toText(obj['src_ip']);
  if (sourceIp !== undefined) ecs['source.ip'] = sourceIp;
  const sourcePort = toPort(obj['src_port']);
  if (sourcePort !== undefined) ecs['source.port'] = sourcePort;
  const destinationIp = toText(obj['dest_ip']);
  if (destinationIp !== undefined) ecs['destination.ip'] = destinationIp;
  const destinationPort = toPort(obj['dest_port']);
  if (destinationPort !== undefined) ecs['destination.port'] = destinationPort;
  const transport = toTransport(obj['proto']);
  if (transport !== undefined) ecs['network.transport'] = transport;
  const protocol = toText(obj['app_proto'])?.toLowerCase();
  if (protocol !== undefined) ecs['network.protocol'] = protocol;
  const communityId = toText(obj['community_id']);
  if (communityId !== undefined) ecs['network.community_id'] = communityId;
  const direction = toText(obj['direction']);
  if (direction !== undefined) ecs['network.direction'] = direction;
  let message: string | undefined;
  const alert = childRecord(obj, 'alert');
  if (eventType === 'alert' && alert !== undefined) {
    message = toText(alert['signature']);
    mapAlert(alert, ecs);
  }
  const anomaly = childRecord(obj, 'anomaly');
  if (anomaly !== undefined && message === undefined) message = toText(anomaly['event']);
  mapHttp(childRecord(obj, 'http'), ecs);
  mapDns(childRecord(obj, 'dns'), ecs);
  mapTls(childRecord(obj, 'tls'), ecs);
  mapFile(childRecord(obj, 'fileinfo'), ecs);
  const krb5 = childRecord(obj, 'krb5');
  if (krb5 !== undefined) {
    assignDefined(ecs, { 'user.name': toText(krb5['cname']), 'user.domain': toText(krb5['realm']), 'event.action': eventType === 'krb5' ? toText(krb5['msg_type']) : undefined });
  }
  const smbFile = toText(childRecord(obj, 'smb')?.['filename']);
  // `<share_root>` is Suricata's placeholder for the tree root, not a file.
  if (smbFile !== undefined && smbFile !== '<share_root>' && ecs['file.path'] === undefined) {
    assignDefined(ecs, { 'file.path': smbFile, 'file.name': baseName(smbFile) });
  }
  if (eventType === 'flow' || eventType === 'netflow') mapFlow(childRecord(obj, eventType), ecs);
  if (message !== undefined) ecs.message = message;
  const event: NormalizedEvent = { time, sourceFormat: 'eve', raw: obj, ecs };
  if (message !== undefined) event.message = message;
  return ok(event);
}

function mapAlert(alert: Record<string, unknown>, ecs: EcsFields): void {
  const action = toText(alert['action']);
  assignDefined(ecs, {
    'event.action': action,
    'event.type': action === 'blocked' ? ['denied'] : action === 'allowed' ? ['allowed'] : ['info'],
    'event.severity': toInt(alert['severity']),
    'rule.id': toText(alert['signature_id']),
    'rule.name': toText(alert['signature']),
    'rule.category': toText(alert['category']),
  });
  const metadata = childRecord(alert, 'metadata');
  const techniques = metadata?.['mitre_technique_id'];
  if (Array.isArray(techniques)) {
    const ids = techniques.filter((t): t is string => typeof t === 'string');
    if (ids.length > 0) ecs['threat.technique.id'] = ids;
  }
}

function mapHttp(http: Record<string, unknown> | undefined, ecs: EcsFields): void {
  if (http === undefined) return;
  assignDefined(ecs, urlFields(toText(http['url']), toText(http['hostname']), toPort(http['http_port']) ?? ecs['destination.port']));
  assignDefined(ecs, {
    'http.request.method': toText(http['http_method']),
    'http.response.status_code': toInt(http['status']),
    'user_agent.original': toText(http['http_user_agent']),
  });
}

function mapDns(dns: Record<string, unknown> | undefined, ecs: EcsFields): void {
  if (dns === undefined) return;
  // EVE v2 answers put the question in `rrname`; v3 (Suricata 8) nests it in `queries[0]`.
  const queries = dns['queries'];
  const first = Array.isArray(queries) && isRecord(queries[0]) ? queries[0] : dns;
  assignDefined(ecs, {
    'dns.question.name': toText(first['rrname']),
    'dns.question.type': toText(first['rrtype']),
    'dns.response_code': toText(dns['rcode']),
  });
}

function mapTls(tls: Record<string, unknown> | undefined, ecs: EcsFields): void {
  if (tls === undefined) return;
  const version = toText(tls['version']);
  const m = version === undefined ? null : /^(TLS|SSL)v?\s*(\d(?:\.\d)?)$/i.exec(version);
  assignDefined(ecs, {
    'tls.client.server_name': toText(tls['sni']),
    'tls.version': m?.[2],
    'tls.version_protocol': m?.[1]?.toLowerCase(),
  });
}

function mapFile(file: Record<string, unknown> | undefined, ecs: EcsFields): void {
  if (file === undefined) return;
  const path = toText(file['filename']);
  assignDefined(ecs, {
    'file.path': path,
    'file.name': path === undefined ? undefined : baseName(path),
    'file.size': toInt(file['size']),
    'file.mime_type': toText(file['magic']),
    'file.hash.md5': toText(file['md5']),
    'file.hash.sha1': toText(file['sha1']),
    'file.hash.sha256': toText(file['sha256']),
  });
}

function mapFlow(flow: Record<string, unknown> | undefined, ecs: EcsFields): void {
  if (flow === undefined) return;
  const start = typeof flow['start'] === 'string' ? parseIsoTime(flow['start']) : undefined;
  const end = typeof flow['end'] === 'string' ? parseIsoTime(flow['end']) : undefined;
  assignDefined(ecs, {
    'source.bytes': toInt(flow['bytes_toserver']),
    'source.packets': toInt(flow['pkts_toserver']),
    'destination.bytes': toInt(flow['bytes_toclient']),
    'destination.packets': toInt(flow['pkts_toclient']),
    'event.start': start === undefined ? undefined : new Date(start).toISOString(),
    'event.end': end === undefined ? undefined : new Date(end).toISOString(),
    'event.duration': start !== undefined && end !== undefined ? (end - start) * 1_000_000 : undefined,
  });
}
