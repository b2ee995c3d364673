import { isStixId, uuidV5 } from '../stix/index.js';
import type { AnyStixObject } from '../stix/index.js';
import type { MispEvent, MispTag } from './misp-event.js';
import { isTlpTag } from './misp-markings.js';

/**
 * Namespace of the name-based ids this mapping gives objects MISP has no uuid for (an ATT&CK
 * technique named only by a tag, an organisation without uuid). Not the SCO namespace: STIX
 * reserves that one for observables.
 */
export const mispMappingNamespace = '6b1d1f1c-1f4e-5c3a-9d0e-4d2f6c1a9e57';

// `misp-galaxy:mitre-attack-pattern="Spearphishing Attachment - T1193"` and the enterprise/mobile
// variants; the technique id ends the value.
const attackTag = /^misp-galaxy:mitre-(?:enterprise-|mobile-|pre-)?attack-(?:attack-)?pattern="(.+?)\s+-\s+(T\d{4}(?:\.\d{3})?)"$/;

/** An ATT&CK technique found in tags or galaxy clusters. */
export interface AttackTechnique {
  /** `T1193`, `T1059.001`. */
  externalId: string;
  name: string;
  /** The MISP galaxy cluster uuid: for ATT&CK clusters it is the uuid of MITRE's own object. */
  uuid?: string;
}

/** The ATT&CK technique a tag names, or `undefined`. */
export function attackTechniqueFromTag(name: string): AttackTechnique | undefined {
  const m = attackTag.exec(name.trim());
  return m ? { name: m[1]!, externalId: m[2]! } : undefined;
}

/**
 * ATT&CK techniques of an event, its galaxies and its attributes' tags, one per technique id.
 * A galaxy cluster's uuid wins over a tag-only mention, so the id matches MITRE's STIX id.
 */
export function attackTechniques(event: MispEvent, attributeTags: readonly MispTag[]): AttackTechnique[] {
  const byId = new Map<string, AttackTechnique>();
  for (const galaxy of event.Galaxy ?? []) {
    for (const cluster of galaxy.GalaxyCluster ?? []) {
      const fromTag = typeof cluster.tag_name === 'string' ? attackTechniqueFromTag(cluster.tag_name) : undefined;
      if (fromTag === undefined) continue;
      const uuid = typeof cluster.uuid === 'string' && isStixId(`attack-pattern--${cluster.uuid}`) ? cluster.uuid.toLowerCase() : undefined;
      byId.set(fromTag.externalId, { ...fromTag, ...(uuid ? { uuid } : {}) });
    }
  }
  for (const tag of [...(event.Tag ?? []), ...attributeTags]) {
    const technique = typeof tag?.name === 'string' ? attackTechniqueFromTag(tag.name) : undefined;
    if (technique && !byId.has(technique.externalId)) byId.set(technique.externalId, technique);
  }
  return [...byId.values()];
}

/** The attack-pattern SDO of a technique, with its ATT&CK external reference. */
export function attackPatternObject(technique: AttackTechnique, common: Record<string, unknown>): AnyStixObject {
  const uuid = technique.uuid ?? uuidV5(mispMappingNamespace, `mitre-attack:${technique.externalId}`);
  const url = `https://attack.mitre.org/techniques/${technique.externalId.replace('.', '/')}/`;
  return {
    type: 'attack-pattern',
    spec_version: '2.1',
    id: `attack-pattern--${uuid}`,
    ...common,
    name: technique.name,
    external_references: [{ source_name: 'mitre-attack', external_id: technique.externalId, url }],
  };
}

/**
 * Tags that become labels: everything except TLP (a marking) and ATT&CK techniques (their own
 * objects). Local tags stay: MISP marks them local to keep them off sync, not to hide meaning.
 */
export function labelsFromTags(tags: readonly MispTag[] | undefined): string[] {
  const labels = new Set<string>();
  for (const tag of tags ?? []) {
    if (typeof tag?.name !== 'string') continue;
    const name = tag.name.trim();
    if (name === '' || isTlpTag(name) || attackTechniqueFromTag(name)) continue;
    labels.add(name);
  }
  return [...labels];
}
