import { isScoType } from '../stix/stix-id.js';
import type { OrgGraph } from './org-graph.js';
import { redactSelected } from './redact-selected.js';
import type { TlpLevel } from './tlp-markings.js';
import { granularTlpOf, RED_RECIPIENTS_PROPERTY, redRecipientsOf, releaseLevelsOf } from './tlp-of.js';

/** Who an object would go to: an organisation of (or known to) this deployment, or anyone. */
export type Recipient = { kind: 'org'; orgId: string } | { kind: 'public' };

/** TLP enforcement for every path out (API, TAXII, exports, alerts, federation). */
export interface ReleasePolicy {
  /** Whether `release` would let the object (possibly redacted) reach the recipient. */
  mayReceive(object: object, producerOrgId: string, recipient: Recipient): boolean;
  /**
   * The object as the recipient may see it: the same object (`===`, so a caller may reuse its
   * serialised form) when nothing is removed; a redacted copy when granular markings the recipient
   * may not read select some of its content (untouched parts are shared with the original: do not
   * mutate either); or null when it must not reach them at all — also when a redaction would take
   * a required property. Build anything shown to the recipient from the returned object, never
   * from the original.
   */
  release<T extends object>(object: T, producerOrgId: string, recipient: Recipient): T | null;
  /** Whether content at `level` produced by `producerOrgId` may reach `recipient`. */
  allows(level: TlpLevel, producerOrgId: string, recipient: Recipient, redRecipients?: readonly string[]): boolean;
}

const SDO_REQUIRED = ['type', 'spec_version', 'id', 'created', 'modified'];

/**
 * Never released without: a copy that lost its object markings would look unmarked (or less
 * marked) to the recipient and could travel further than its producer allowed.
 */
const MARKINGS_KEPT = ['object_marking_refs'];

/**
 * Properties without which an object is invalid (STIX 2.1 per type): redacting one withholds the
 * object instead. Types not listed keep only the common ones.
 */
const REQUIRED_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  indicator: ['pattern', 'pattern_type', 'valid_from'],
  'observed-data': ['first_observed', 'last_observed', 'number_observed', 'object_refs'],
  sighting: ['sighting_of_ref'],
  malware: ['is_family', 'name'],
  'attack-pattern': ['name'],
  'intrusion-set': ['name'],
  campaign: ['name'],
  'threat-actor': ['name'],
  tool: ['name'],
  vulnerability: ['name'],
  infrastructure: ['name'],
  'course-of-action': ['name'],
  report: ['name', 'published', 'object_refs'],
  grouping: ['context', 'object_refs'],
  note: ['content', 'object_refs'],
  opinion: ['opinion', 'object_refs'],
  identity: ['name'],
  location: ['region', 'country', 'latitude', 'longitude'],
  relationship: ['relationship_type', 'source_ref', 'target_ref'],
  'marking-definition': ['created', 'definition_type', 'definition', 'name', 'extensions'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'domain-name': ['value'],
  url: ['value'],
  'email-addr': ['value'],
  'mac-addr': ['value'],
  'autonomous-system': ['number'],
  'network-traffic': ['protocols'],
  mutex: ['name'],
  directory: ['path'],
  software: ['name'],
  'email-message': ['is_multipart'],
  file: ['hashes', 'name'],
};

/**
 * The TLP 2.0 release policy of this deployment:
 * - CLEAR: everyone, the public included;
 * - GREEN: every organisation of this deployment (the community), never the public;
 * - AMBER: the producing organisation and its clients (organisations whose parent it is);
 * - AMBER+STRICT: the producing organisation only;
 * - RED: the producing organisation and the organisations the object names in
 *   `x_shieldwall_red_recipients`.
 * An object goes to a recipient only if every TLP object marking it carries allows them
 * (AMBER+STRICT when it has none, `UNMARKED_DEFAULT_TLP`); the content a granular TLP marking
 * selects goes only if that marking allows them too, and is removed otherwise. With several
 * markings on the same content the most restrictive wins, and RED with AMBER or GREEN reaches
 * only named recipients that the other rule allows as well.
 */
export function createReleasePolicy(orgGraph: OrgGraph): ReleasePolicy {
  function allows(level: TlpLevel, producerOrgId: string, recipient: Recipient, redRecipients: readonly string[] = []): boolean {
    if (level === 'clear') return true;
    if (recipient.kind !== 'org') return false;
    const org = recipient.orgId;
    if (org === producerOrgId) return true;
    switch (level) {
      case 'green':
        return orgGraph.has(org);
      case 'amber':
        return orgGraph.parentOf(org) === producerOrgId;
      case 'amber+strict':
        return false;
      case 'red':
        return redRecipients.includes(org);
    }
  }

  /** Selectors the recipient may not read; undefined when the object itself must not go. */
  function deniedSelectors(object: object, producerOrgId: string, recipient: Recipient): string[] | undefined {
    const red = redRecipientsOf(object);
    // Every TLP marking that applies must allow the recipient: RED's named recipients are not
    // necessarily AMBER's clients, so "the most restrictive" alone would let one rule override another.
    for (const level of releaseLevelsOf(object)) if (!allows(level, producerOrgId, recipient, red)) return undefined;
    const denied: string[] = [];
    for (const { selector, level } of granularTlpOf(object)) {
      if (!allows(level, producerOrgId, recipient, red)) denied.push(selector);
    }
    if (Object.hasOwn(object, RED_RECIPIENTS_PROPERTY) && !(recipient.kind === 'org' && recipient.orgId === producerOrgId)) {
      denied.push(RED_RECIPIENTS_PROPERTY);
    }
    return denied;
  }

  function release<T extends object>(object: T, producerOrgId: string, recipient: Recipient): T | null {
    const denied = deniedSelectors(object, producerOrgId, recipient);
    if (denied === undefined) return null;
    if (denied.length === 0) return object;
    const { object: redacted, removed } = redactSelected(object as Record<string, unknown>, denied);
    for (const key of requiredOf(object as Record<string, unknown>)) if (removed.has(key)) return null;
    if (!hasIdentity(redacted)) return null;
    return redacted as unknown as T;
  }

  return {
    allows,
    release,
    mayReceive: (object, producerOrgId, recipient) => release(object, producerOrgId, recipient) !== null,
  };
}

function requiredOf(object: Record<string, unknown>): readonly string[] {
  const type = typeof object.type === 'string' ? object.type : '';
  const common = isScoType(type) || !('created' in object) ? ['type', 'id'] : SDO_REQUIRED;
  return [...common, ...MARKINGS_KEPT, ...(REQUIRED_BY_TYPE[type] ?? [])];
}

function hasIdentity(o: Record<string, unknown>): boolean {
  return typeof o.type === 'string' && typeof o.id === 'string';
}
