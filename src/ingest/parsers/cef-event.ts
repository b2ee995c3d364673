import { parseCefTime } from './cef-time.js';
import type { CefRecord } from './cef-parser.js';
import { assignDefined, baseName, toInt, toPort, toText, toTransport, urlFields, type EcsFields } from './ecs-fields.js';
import type { NormalizedEvent } from './normalized-event.js';

const hashByLength: Readonly<Record<number, 'file.hash.md5' | 'file.hash.sha1' | 'file.hash.sha256'>> = {
  32: 'file.hash.md5', 40: 'file.hash.sha1', 64: 'file.hash.sha256',
};

/**
 * Maps a CEF record to a {@link NormalizedEvent}: the CEF dictionary keys to ECS (`src` →
 * `source.ip`, `suser` → `user.name`, `act` → `event.action`, `request` → `url.original`…), with
 * time from `rt` (else `end`, `start`, then `fallbackTime`, e.g. the syslog header time).
 * `raw` holds the header, `extensions` and `labels`, plus `extraRaw` (the syslog fields).
 */
export function cefToEvent(record: CefRecord, fallbackTime: number, extraRaw: Record<string, unknown> = {}): NormalizedEvent {
  const x = record.extensions;
  const time = firstTime([x['rt'], x['end'], x['start']], fallbackTime) ?? fallbackTime;
  const filePath = toText(x['filePath']);
  const ecs: EcsFields = assignDefined({}, {
    '@timestamp': new Date(time).toISOString(),
    message: toText(x['msg']) ?? record.name,
    'event.kind': 'event',
    'event.code': record.signatureId,
    'event.action': toText(x['act']),
    'event.severity': record.severityScore,
    'event.outcome': outcome(x['outcome']),
    'event.start': isoOf(x['start'], fallbackTime),
    'event.end': isoOf(x['end'], fallbackTime),
    'observer.vendor': record.deviceVendor,
    'observer.product': record.deviceProduct,
    'observer.version': record.deviceVersion,
    'observer.hostname': toText(x['dvchost']),
    'source.ip': toText(x['src']) ?? toText(x['c6a2']),
    'source.port': toPort(x['spt']),
    'source.domain': toText(x['shost']),
    'source.bytes': toInt(x['in']),
    'destination.ip': toText(x['dst']) ?? toText(x['c6a3']),
    'destination.port': toPort(x['dpt']),
    'destination.domain': toText(x['dhost']),
    'destination.bytes': toInt(x['out']),
    'network.transport': toTransport(x['proto']),
    'network.protocol': toText(x['app'])?.toLowerCase(),
    'user.name': toText(x['suser']) ?? toText(x['duser']),
    'process.name': toText(x['sproc']),
    'process.pid': toInt(x['spid']),
    'http.request.method': toText(x['requestMethod']),
    'user_agent.original': toText(x['requestClientApplication']),
    'file.path': filePath,
    'file.name': toText(x['fname']) ?? (filePath === undefined ? undefined : baseName(filePath)),
    'file.size': toInt(x['fsize']),
  });
  assignDefined(ecs, urlFields(toText(x['request'])));
  const hash = toText(x['fileHash']);
  const hashField = hash === undefined ? undefined : hashByLength[hash.length];
  if (hash !== undefined && hashField !== undefined) ecs[hashField] = hash.toLowerCase();
  const raw: Record<string, unknown> = {
    ...extraRaw,
    cef: {
      version: record.version,
      deviceVendor: record.deviceVendor,
      deviceProduct: record.deviceProduct,
      deviceVersion: record.deviceVersion,
      signatureId: record.signatureId,
      name: record.name,
      severity: record.severity,
      extensions: record.extensions,
      labels: record.labels,
    },
  };
  const message = ecs.message;
  return message === undefined ? { time, sourceFormat: 'cef', raw, ecs } : { time, sourceFormat: 'cef', message, raw, ecs };
}

function firstTime(values: (string | undefined)[], reference: number): number | undefined {
  for (const v of values) {
    if (v === undefined) continue;
    const t = parseCefTime(v, reference);
    if (t !== undefined) return t;
  }
  return undefined;
}

function isoOf(value: string | undefined, reference: number): string | undefined {
  const t = value === undefined ? undefined : parseCefTime(value, reference);
  return t === undefined ? undefined : new Date(t).toISOString();
}

function outcome(value: string | undefined): EcsFields['event.outcome'] {
  const v = value?.toLowerCase();
  if (v === undefined) return undefined;
  if (v === 'success' || v === '/success' || v === 'succeeded') return 'success';
  if (v === 'failure' || v === '/failure' || v === 'failed') return 'failure';
  return 'unknown';
}
