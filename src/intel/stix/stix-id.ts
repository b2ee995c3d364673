import { createHash } from 'node:crypto';
import type { IdGenerator } from '../../shared/ids.js';
import type { StixId } from './stix-core-types.js';
import { canonicalJson } from './canonical-json.js';

/**
 * The namespace STIX 2.1 §2.9 fixes for deterministic SCO ids. Only SCOs may use it: SDOs and SROs
 * MUST NOT, so `stixId` never does.
 */
export const SCO_ID_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const STIX_ID = /^([a-z][a-z0-9-]+[a-z0-9])--([0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$/i;

/**
 * ID contributing properties per SCO type (STIX 2.1 §6, each object's "ID Contributing
 * Properties"). `process` has none: its ids are always random.
 */
export const SCO_ID_CONTRIBUTING_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  artifact: ['hashes', 'payload_bin'],
  'autonomous-system': ['number'],
  directory: ['path'],
  'domain-name': ['value'],
  'email-addr': ['value'],
  'email-message': ['from_ref', 'subject', 'body'],
  file: ['hashes', 'name', 'extensions', 'parent_directory_ref'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'mac-addr': ['value'],
  mutex: ['name'],
  'network-traffic': ['start', 'end', 'src_ref', 'dst_ref', 'src_port', 'dst_port', 'protocols', 'extensions'],
  process: [],
  software: ['name', 'cpe', 'swid', 'vendor', 'version'],
  url: ['value'],
  'user-account': ['account_type', 'user_id', 'account_login'],
  'windows-registry-key': ['key', 'values'],
  'x509-certificate': ['hashes', 'serial_number'],
};

/** Whether `type` is one of the SCO types the specification defines. */
export function isScoType(type: string): boolean {
  return Object.hasOwn(SCO_ID_CONTRIBUTING_PROPERTIES, type);
}

/**
 * A random (UUIDv4) id for an SDO, SRO, marking definition or bundle, e.g. `indicator--8e2e…`.
 * The generator is injected so tests get stable ids; it must yield RFC 4122 UUIDs.
 */
export function stixId(type: string, ids: IdGenerator): StixId {
  const uuid = ids.next();
  if (!UUID.test(uuid)) throw new TypeError(`id generator returned "${uuid}", not an RFC 4122 UUID`);
  return `${type}--${uuid.toLowerCase()}`;
}

/**
 * The deterministic id of an SCO (STIX 2.1 §2.9): UUIDv5 in `SCO_ID_NAMESPACE` over the RFC 8785
 * canonical JSON of its ID contributing properties. Of `hashes` only one counts, chosen in the
 * order MD5, SHA-1, SHA-256, SHA-512, else the first present, so producers that know different
 * hash sets of the same file may still agree. Falls back to a random id when none of the
 * properties is present (and always for `process` and custom SCOs), as the specification says.
 *
 * @example scoId({ type: 'domain-name', value: 'example.com' }, randomIds)
 *   // 'domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7' (the specification's own example)
 */
export function scoId(sco: { type: string; [property: string]: unknown }, ids: IdGenerator): StixId {
  const contributing = SCO_ID_CONTRIBUTING_PROPERTIES[sco.type] ?? [];
  const picked: Record<string, unknown> = {};
  for (const key of contributing) {
    const value = sco[key];
    if (value === undefined) continue;
    if (key === 'hashes') {
      const one = chooseOneHash(value as Record<string, string>);
      if (one) picked[key] = one;
    } else {
      picked[key] = value;
    }
  }
  if (Object.keys(picked).length === 0) return stixId(sco.type, ids);
  return `${sco.type}--${uuidV5(SCO_ID_NAMESPACE, canonicalJson(picked))}`;
}

function chooseOneHash(hashes: Record<string, string>): Record<string, string> | undefined {
  for (const algorithm of ['MD5', 'SHA-1', 'SHA-256', 'SHA-512']) {
    const value = hashes[algorithm];
    if (value !== undefined) return { [algorithm]: value };
  }
  const first = Object.keys(hashes)[0];
  return first === undefined ? undefined : { [first]: hashes[first] as string };
}

/** RFC 4122 §4.3 name-based UUID with SHA-1. */
export function uuidV5(namespace: string, name: string): string {
  const digest = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Splits `type--uuid`; null when the string is not a well-formed STIX identifier. */
export function parseStixId(id: string): { type: string; uuid: string } | null {
  const m = STIX_ID.exec(id);
  return m ? { type: m[1]!, uuid: m[2]! } : null;
}

/** Whether `id` is a well-formed STIX identifier, optionally of the given type. */
export function isStixId(id: unknown, type?: string): id is StixId {
  if (typeof id !== 'string') return false;
  const parsed = parseStixId(id);
  return parsed !== null && (type === undefined || parsed.type === type);
}
