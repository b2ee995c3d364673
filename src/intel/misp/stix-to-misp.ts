import type { IdGenerator } from '../../shared/ids.js';
import type { AnyStixObject } from '../stix/index.js';
import { parseStixId } from '../stix/index.js';
import { tlpLevelOfMarking, type TlpLevel } from '../tlp/index.js';
import type { MispAttribute, MispEvent, MispTag } from './misp-event.js';
import { distributionFromTlp, stricterTlp } from './misp-markings.js';

/** How `stixToMispEvent` names the event it builds. */
export interface StixToMispOptions {
  /** The event's `info` (title). */
  info: string;
  /** Export time (ms): the event's date and timestamp. */
  now: number;
  ids: IdGenerator;
  /** The exporting organisation, as MISP's `Orgc`. */
  org?: { name: string; uuid?: string };
}

/** The event and what could not go into it, counted by reason. */
export interface StixToMispResult {
  event: { Event: MispEvent };
  attributes: number;
  skipped: Record<string, number>;
}

// Comparison object paths (quotes removed) -> MISP attribute type.
const pathTypes: Record<string, { type: string; category: string }> = {
  'ipv4-addr:value': { type: 'ip-dst', category: 'Network activity' },
  'ipv6-addr:value': { type: 'ip-dst', category: 'Network activity' },
  'domain-name:value': { type: 'domain', category: 'Network activity' },
  'url:value': { type: 'url', category: 'Network activity' },
  'email-addr:value': { type: 'email-src', category: 'Payload delivery' },
  'email-message:subject': { type: 'email-subject', category: 'Payload delivery' },
  'file:name': { type: 'filename', category: 'Payload delivery' },
  'mutex:name': { type: 'mutex', category: 'Artifacts dropped' },
  'windows-registry-key:key': { type: 'regkey', category: 'Persistence mechanism' },
  'autonomous-system:number': { type: 'AS', category: 'Network activity' },
  'mac-addr:value': { type: 'mac-address', category: 'Network activity' },
  'network-traffic:dst_port': { type: 'port', category: 'Network activity' },
  'network-traffic:extensions.http-request-ext.request_header.User-Agent': { type: 'user-agent', category: 'Network activity' },
  'file:extensions.windows-pebinary-ext.imphash': { type: 'imphash', category: 'Payload delivery' },
};
const hashTypes: Record<string, string> = {
  MD5: 'md5', 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512',
  'SHA3-256': 'sha3-256', 'SHA3-512': 'sha3-512', SSDEEP: 'ssdeep', TLSH: 'tlsh',
};
// Types that differ only in direction or naming; an indicator's `misp:type` label picks between them.
const sameFamily: Record<string, string[]> = {
  'ip-dst': ['ip-src'],
  domain: ['hostname'],
  'email-src': ['email-dst', 'email'],
  filename: ['email-attachment', 'attachment'],
  url: ['uri', 'link'],
  'ip-dst|port': ['ip-src|port'],
  'filename|md5': ['malware-sample'],
};

interface Comparison {
  path: string;
  value: string;
}

const literal = String.raw`'(?:[^'\\]|\\.)*'|-?\d+`;
const comparisonRe = new RegExp(String.raw`^\s*([a-z0-9-]+:[A-Za-z0-9_.'\-\[\]*]+)\s*=\s*(${literal})\s*$`);

/** `[a = 'x' AND b = 'y']` (one observation, one operator) -> its comparisons, or null. */
function comparisons(pattern: string): { op: 'AND' | 'OR'; items: Comparison[] } | null {
  const m = /^\s*\[(.*)\]\s*$/s.exec(pattern);
  if (!m) return null;
  const body = m[1]!;
  const parts: string[] = [];
  const ops = new Set<string>();
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "'") {
      for (i++; i < body.length && body[i] !== "'"; i++) if (body[i] === '\\') i++;
      continue;
    }
    if (body[i] === '[' && body[i + 1] !== '*') return null;
    const op = /^\s(AND|OR)\s/.exec(body.slice(i, i + 5));
    if (op) {
      ops.add(op[1]!);
      parts.push(body.slice(start, i));
      start = i + op[0].length;
      i = start - 1;
    }
  }
  parts.push(body.slice(start));
  if (ops.size > 1) return null;
  const items: Comparison[] = [];
  for (const part of parts) {
    const c = comparisonRe.exec(part);
    if (!c) return null;
    const raw = c[2]!;
    items.push({ path: c[1]!.replace(/'/g, ''), value: raw.startsWith("'") ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw });
  }
  return { op: ops.has('AND') ? 'AND' : 'OR', items };
}

function single(c: Comparison): { type: string; category: string; value: string } | undefined {
  const hash = /^(file|x509-certificate):hashes\.(.+)$/.exec(c.path);
  if (hash) {
    const t = hashTypes[hash[2]!];
    if (!t) return undefined;
    if (hash[1] === 'x509-certificate') return ['md5', 'sha1', 'sha256'].includes(t) ? { type: `x509-fingerprint-${t}`, category: 'Network activity', value: c.value } : undefined;
    return { type: t, category: 'Payload delivery', value: c.value };
  }
  const known = pathTypes[c.path];
  return known ? { ...known, value: c.path === 'autonomous-system:number' ? `AS${c.value}` : c.value } : undefined;
}

/** Composite MISP types from the AND forms the import side writes (`filename|md5`, `domain|ip`, `ip-dst|port`…). */
function composite(items: Comparison[]): { type: string; category: string; value: string } | undefined {
  const by = new Map(items.map((c) => [c.path, c.value]));
  const name = by.get('file:name');
  const hashes = items.filter((c) => c.path.startsWith('file:hashes.'));
  if (items.length === 2 && name !== undefined && hashes.length === 1) {
    const t = single(hashes[0]!);
    return t ? { type: `filename|${t.type}`, category: 'Payload delivery', value: `${name}|${t.value}` } : undefined;
  }
  const domain = by.get('domain-name:value');
  const resolves = by.get('domain-name:resolves_to_refs[*].value');
  if (items.length === 2 && domain !== undefined && resolves !== undefined) return { type: 'domain|ip', category: 'Network activity', value: `${domain}|${resolves}` };
  const key = by.get('windows-registry-key:key');
  const data = by.get('windows-registry-key:values[*].data');
  if (items.length === 2 && key !== undefined && data !== undefined) return { type: 'regkey|value', category: 'Persistence mechanism', value: `${key}|${data}` };
  for (const dir of ['src', 'dst'] as const) {
    const refType = by.get(`network-traffic:${dir}_ref.type`);
    const host = by.get(`network-traffic:${dir}_ref.value`);
    const port = by.get(`network-traffic:${dir}_port`);
    if (items.length !== 3 || host === undefined || port === undefined) continue;
    if (refType === 'domain-name') return { type: 'hostname|port', category: 'Network activity', value: `${host}|${port}` };
    if (refType === 'ipv4-addr' || refType === 'ipv6-addr') return { type: `ip-${dir}|port`, category: 'Network activity', value: `${host}|${port}` };
  }
  return undefined;
}

/** The MISP attribute values of one indicator, or a reason it has none. */
function indicatorAttributes(indicator: AnyStixObject): { type: string; category: string; value: string }[] | string {
  const pattern = indicator.pattern;
  const patternType = indicator.pattern_type;
  if (typeof pattern !== 'string') return 'no pattern';
  if (patternType === 'yara' || patternType === 'snort' || patternType === 'sigma') {
    return [{ type: patternType, category: 'Payload installation', value: pattern }];
  }
  if (patternType !== 'stix') return `pattern_type ${String(patternType)}`;
  const parsed = comparisons(pattern);
  if (!parsed) return 'pattern not expressible in MISP';
  if (parsed.op === 'AND' && parsed.items.length > 1) {
    const c = composite(parsed.items);
    return c ? [c] : 'pattern not expressible in MISP';
  }
  const out = parsed.items.map(single);
  return out.every((a) => a !== undefined) ? (out as { type: string; category: string; value: string }[]) : 'pattern not expressible in MISP';
}

const tlpTag = (level: TlpLevel): MispTag => ({ name: `tlp:${level}` });

/**
 * Builds one MISP event (`{"Event": …}`, MISP core format) from STIX indicators, for
 * `intel export --format misp`. Each indicator whose pattern MISP can express becomes `to_ids`
 * attributes (composites such as `filename|md5` where the pattern ANDs them); other objects and
 * patterns are counted in `skipped` by reason. Markings become `tlp:*` tags on each attribute,
 * and the strictest one on the event.
 */
export function stixToMispEvent(objects: readonly AnyStixObject[], options: StixToMispOptions): StixToMispResult {
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => (skipped[reason] = (skipped[reason] ?? 0) + 1);
  const attributes: MispAttribute[] = [];
  let eventTlp: TlpLevel | undefined;
  const timestamp = String(Math.floor(options.now / 1000));

  for (const object of objects) {
    if (object.type !== 'indicator') {
      skip(`${object.type} (not an indicator)`);
      continue;
    }
    if (object.revoked === true) {
      skip('revoked indicator');
      continue;
    }
    const mapped = indicatorAttributes(object);
    if (typeof mapped === 'string') {
      skip(mapped);
      continue;
    }
    const markings = Array.isArray(object.object_marking_refs) ? (object.object_marking_refs as string[]) : [];
    let tlp: TlpLevel | undefined;
    for (const ref of markings) tlp = stricterTlp(tlp, tlpLevelOfMarking(ref));
    eventTlp = stricterTlp(eventTlp, tlp);
    const labels = Array.isArray(object.labels) ? (object.labels as unknown[]).filter((l): l is string => typeof l === 'string') : [];
    const labelType = labels.map((l) => /^misp:type="(.+)"$/.exec(l)?.[1]).find((t) => t !== undefined);
    const modified = Date.parse(typeof object.modified === 'string' ? object.modified : '');
    const uuid = parseStixId(object.id)?.uuid;
    mapped.forEach((attr, i) => {
      const type = labelType && sameFamily[attr.type]?.includes(labelType) ? labelType : attr.type;
      attributes.push({
        // One indicator may carry several values (OR): only the first keeps the indicator's uuid.
        uuid: i === 0 && uuid ? uuid : options.ids.next(),
        type,
        category: attr.category,
        value: attr.value,
        to_ids: true,
        timestamp: Number.isNaN(modified) ? timestamp : String(Math.floor(modified / 1000)),
        comment: typeof object.description === 'string' ? object.description : '',
        distribution: 5,
        Tag: [...(tlp ? [tlpTag(tlp)] : []), ...labels.filter((l) => !l.startsWith('misp:')).map((name) => ({ name }))],
      });
    });
  }

  const level = eventTlp ?? 'amber';
  const event: MispEvent = {
    uuid: options.ids.next(),
    info: options.info,
    date: new Date(options.now).toISOString().slice(0, 10),
    timestamp,
    published: false,
    analysis: '2',
    threat_level_id: '4',
    distribution: String(distributionFromTlp(level)),
    ...(options.org ? { Orgc: { name: options.org.name, ...(options.org.uuid ? { uuid: options.org.uuid } : {}) } } : {}),
    Tag: [tlpTag(level)],
    Attribute: attributes,
  };
  return { event: { Event: event }, attributes: attributes.length, skipped };
}
