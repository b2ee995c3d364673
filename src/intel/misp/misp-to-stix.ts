import type { IdGenerator } from '../../shared/ids.js';
import type { AnyStixObject } from '../stix/index.js';
import { isStixId, scoId, stixId, uuidV5 } from '../stix/index.js';
import { TLP_MARKING_IDS, type TlpLevel } from '../tlp/index.js';
import { mispAttributeForm, type MispSco } from './misp-attribute-forms.js';
import { mispBoolean, mispDateMs, mispEpochMs, mispInteger, mispIsoMs, readMispEvents, type MispAttribute, type MispEvent, type MispTag } from './misp-event.js';
import { attackPatternObject, attackTechniques, labelsFromTags, mispMappingNamespace } from './misp-galaxy.js';
import { stricterTlp, tlpFromDistribution, tlpFromTags } from './misp-markings.js';

/** How `mispEventToStix` fills what the event does not say. */
export interface MispToStixOptions {
  /** Time (ms) used when the event carries no timestamp at all. */
  now: number;
  /** Ids for objects MISP gives no uuid (PyMISP-built events, bare bodies). */
  ids: IdGenerator;
  /** TLP when neither a `tlp:*` tag nor a distribution level says anything (default AMBER). */
  defaultTlp?: TlpLevel;
}

/** What became of an event's attributes. Nothing is dropped without being counted here. */
export interface MispMappingReport {
  event: string;
  attributes: number;
  indicators: number;
  observedData: number;
  /** Attributes or objects marked deleted in MISP. */
  deleted: number;
  /** Attributes whose type (and `to_ids` use) has no STIX form, counted by `type` (`type (observable)` when only the detection form exists). */
  unsupported: Record<string, number>;
  /** Attributes whose value does not fit their type: count by type, and the first few examples. */
  invalid: Record<string, number>;
  invalidExamples: { uuid?: string; type: string; value: string; reason: string }[];
}

/** The STIX objects of one event and the account of its attributes. */
export interface MispStixResult {
  objects: AnyStixObject[];
  report: MispMappingReport;
}

const threatLevels: Record<number, string> = { 1: 'high', 2: 'medium', 3: 'low', 4: 'undefined' };
const analysisLevels: Record<number, string> = { 0: 'initial', 1: 'ongoing', 2: 'completed' };
const maxInvalidExamples = 20;
const iso = (ms: number) => new Date(ms).toISOString();
const absoluteUri = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

/** `type--uuid` from a MISP uuid when it is a valid RFC 4122 uuid, else a fresh id. */
function idFor(type: string, uuid: unknown, ids: IdGenerator): string {
  if (typeof uuid === 'string' && isStixId(`${type}--${uuid.toLowerCase()}`)) return `${type}--${uuid.toLowerCase()}`;
  return stixId(type, ids);
}

/**
 * Maps one MISP event to STIX 2.1 (see docs/intel.md, "MISP and TAXII feeds"):
 * `to_ids` attributes become indicators, the others observed-data with their SCOs (deterministic
 * ids), the event a report referring to them, `Orgc` the identity in `created_by_ref`, `tlp:*`
 * tags (else distribution levels) TLP 2.0 markings, ATT&CK galaxies attack-patterns, other tags
 * labels. Pure: the clock and id generator come from `options`.
 *
 * @example mispEventToStix(readMispEvents(json)![0]!, { now: Date.now(), ids: randomIds })
 */
export function mispEventToStix(event: MispEvent, options: MispToStixOptions): MispStixResult {
  const eventModified = mispEpochMs(event.timestamp) ?? mispDateMs(event.date) ?? options.now;
  const eventCreated = Math.min(mispDateMs(event.date) ?? eventModified, eventModified);
  const eventTlp = tlpFromTags(event.Tag) ?? tlpFromDistribution(event.distribution);
  const reportId = idFor('report', event.uuid, options.ids);
  const result: MispMappingReport = {
    event: reportId,
    attributes: 0,
    indicators: 0,
    observedData: 0,
    deleted: 0,
    unsupported: {},
    invalid: {},
    invalidExamples: [],
  };
  const count = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);

  const reportTlp = eventTlp ?? options.defaultTlp ?? 'amber';
  // Marked like the event: an unmarked identity would be held back as AMBER+STRICT and leave the
  // shared objects' created_by_ref pointing at nothing.
  const identity = orgIdentity(event, iso(eventCreated), iso(eventModified), [TLP_MARKING_IDS[reportTlp]]);
  const objects: AnyStixObject[] = identity ? [identity] : [];
  const scos = new Map<string, { sco: MispSco; tlp: TlpLevel }>();
  const refs: string[] = [];
  const links: { source_name: string; url?: string; description?: string }[] = [];
  const attributeTags: MispTag[] = [];

  const markingOf = (tlp: TlpLevel) => [TLP_MARKING_IDS[tlp]];
  const provenance = identity ? { created_by_ref: identity.id } : {};

  const mapAttribute = (attr: MispAttribute, objectName: string | undefined, inheritedDistribution: unknown) => {
    if (typeof attr?.type !== 'string' || typeof attr.value !== 'string') return;
    result.attributes++;
    if (mispBoolean(attr.deleted)) {
      result.deleted++;
      return;
    }
    attributeTags.push(...(attr.Tag ?? []));
    const toIds = mispBoolean(attr.to_ids);
    const value = attr.value.trim();
    const ownDistribution = mispInteger(attr.distribution) === 5 ? inheritedDistribution : attr.distribution;
    // An attribute's own tlp tag may narrow or widen the event's; a distribution can only narrow.
    const tlp =
      tlpFromTags(attr.Tag) ??
      stricterTlp(eventTlp, tlpFromDistribution(ownDistribution)) ??
      options.defaultTlp ??
      'amber';
    const modified = mispEpochMs(attr.timestamp) ?? eventModified;
    const firstSeen = mispIsoMs(attr.first_seen);
    const lastSeen = mispIsoMs(attr.last_seen);
    const labels = [
      `misp:type="${attr.type}"`,
      ...(attr.category ? [`misp:category="${attr.category}"`] : []),
      ...(objectName ? [`misp:object="${objectName}"`] : []),
      ...labelsFromTags(attr.Tag),
    ];
    const common = {
      created: iso(modified),
      modified: iso(modified),
      ...provenance,
      labels,
      object_marking_refs: markingOf(tlp),
    };

    if (!toIds && attr.type === 'link') {
      links.push(absoluteUri.test(value) ? { source_name: 'misp-link', url: value } : { source_name: 'misp-link', description: value });
      return;
    }
    if (attr.type === 'vulnerability') {
      const cve = /^CVE-\d{4}-\d{4,}$/i.test(value);
      const vulnerability = {
        type: 'vulnerability',
        spec_version: '2.1',
        id: idFor('vulnerability', attr.uuid, options.ids),
        ...common,
        name: value,
        ...(cve ? { external_references: [{ source_name: 'cve', external_id: value.toUpperCase() }] } : {}),
      };
      objects.push(vulnerability);
      refs.push(vulnerability.id);
      return;
    }

    const form = mispAttributeForm(attr.type, value);
    if (form === undefined) {
      count(result.unsupported, attr.type);
      return;
    }
    if (form.invalid !== undefined) {
      count(result.invalid, attr.type);
      if (result.invalidExamples.length < maxInvalidExamples) {
        result.invalidExamples.push({ ...(attr.uuid ? { uuid: attr.uuid } : {}), type: attr.type, value: value.slice(0, 200), reason: form.invalid });
      }
      return;
    }
    if (toIds && form.pattern) {
      const validFrom = firstSeen ?? modified;
      const indicator = {
        type: 'indicator',
        spec_version: '2.1',
        id: idFor('indicator', attr.uuid, options.ids),
        ...common,
        name: value.length > 200 ? `${value.slice(0, 197)}...` : value,
        ...(attr.comment ? { description: attr.comment } : {}),
        indicator_types: ['malicious-activity'],
        pattern: form.pattern.pattern,
        pattern_type: form.pattern.patternType,
        ...(form.pattern.patternType === 'stix' ? { pattern_version: '2.1' } : {}),
        valid_from: iso(validFrom),
        ...(lastSeen !== undefined && lastSeen > validFrom ? { valid_until: iso(lastSeen) } : {}),
      };
      objects.push(indicator);
      refs.push(indicator.id);
      result.indicators++;
      return;
    }
    if (!toIds && form.observables) {
      const made = form.observables((type, props) => {
        const sco = { type, spec_version: '2.1' as const, id: '', ...props };
        sco.id = scoId(sco, options.ids);
        return sco;
      });
      for (const sco of made) {
        const seen = scos.get(sco.id);
        scos.set(sco.id, { sco, tlp: stricterTlp(seen?.tlp, tlp) ?? tlp });
      }
      const first = firstSeen ?? modified;
      const observed = {
        type: 'observed-data',
        spec_version: '2.1',
        id: idFor('observed-data', attr.uuid, options.ids),
        ...common,
        ...(attr.comment ? { x_misp_comment: attr.comment } : {}),
        first_observed: iso(first),
        last_observed: iso(lastSeen !== undefined && lastSeen > first ? lastSeen : first),
        number_observed: 1,
        object_refs: made.map((s) => s.id),
      };
      objects.push(observed);
      refs.push(observed.id);
      result.observedData++;
      return;
    }
    count(result.unsupported, toIds ? `${attr.type} (indicator)` : `${attr.type} (observable)`);
  };

  for (const attr of event.Attribute ?? []) mapAttribute(attr, undefined, event.distribution);
  for (const object of event.Object ?? []) {
    const attributes = object.Attribute ?? [];
    if (mispBoolean(object.deleted)) {
      result.attributes += attributes.length;
      result.deleted += attributes.length;
      continue;
    }
    const distribution = mispInteger(object.distribution) === 5 || object.distribution === undefined ? event.distribution : object.distribution;
    for (const attr of attributes) mapAttribute(attr, typeof object.name === 'string' ? object.name : undefined, distribution);
  }

  for (const { sco, tlp } of scos.values()) objects.push({ ...sco, object_marking_refs: markingOf(tlp) });

  const techniqueCommon = { created: iso(eventCreated), modified: iso(eventModified), ...provenance, object_marking_refs: markingOf(reportTlp) };
  for (const technique of attackTechniques(event, attributeTags)) {
    const pattern = attackPatternObject(technique, techniqueCommon);
    objects.push(pattern);
    refs.push(pattern.id);
  }

  if (refs.length > 0) objects.push(eventReport(event, reportId, refs, links, { eventCreated, eventModified, provenance, marking: markingOf(reportTlp) }));
  return { objects, report: result };
}

function orgIdentity(event: MispEvent, created: string, modified: string, marking: string[]): AnyStixObject | undefined {
  const org = event.Orgc;
  if (typeof org?.name !== 'string' || org.name.trim() === '') return undefined;
  const uuid = typeof org.uuid === 'string' && isStixId(`identity--${org.uuid.toLowerCase()}`) ? org.uuid.toLowerCase() : uuidV5(mispMappingNamespace, `misp-org:${org.name.trim()}`);
  return { type: 'identity', spec_version: '2.1', id: `identity--${uuid}`, created, modified, name: org.name.trim(), identity_class: 'organization', object_marking_refs: marking };
}

function eventReport(
  event: MispEvent,
  id: string,
  refs: string[],
  links: { source_name: string; url?: string; description?: string }[],
  at: { eventCreated: number; eventModified: number; provenance: Record<string, unknown>; marking: string[] },
): AnyStixObject {
  const published = mispEpochMs(event.publish_timestamp) || at.eventModified;
  const threat = threatLevels[mispInteger(event.threat_level_id) ?? -1];
  const analysis = analysisLevels[mispInteger(event.analysis) ?? -1];
  const labels = [
    ...(threat ? [`misp:threat-level="${threat}"`] : []),
    ...(analysis ? [`misp:analysis="${analysis}"`] : []),
    ...labelsFromTags(event.Tag),
  ];
  const externalReferences = [
    ...(typeof event.uuid === 'string' ? [{ source_name: 'misp', external_id: event.uuid }] : []),
    ...links,
  ];
  return {
    type: 'report',
    spec_version: '2.1',
    id,
    created: new Date(at.eventCreated).toISOString(),
    modified: new Date(at.eventModified).toISOString(),
    ...at.provenance,
    name: typeof event.info === 'string' && event.info.trim() !== '' ? event.info.trim() : 'MISP event',
    report_types: ['threat-report'],
    published: new Date(published).toISOString(),
    object_refs: [...new Set(refs)],
    ...(labels.length > 0 ? { labels } : {}),
    ...(externalReferences.length > 0 ? { external_references: externalReferences } : {}),
    object_marking_refs: at.marking,
  };
}

/** Every event of a MISP document mapped: the objects in event order and one report per event. */
export interface MispDocumentResult {
  objects: AnyStixObject[];
  reports: MispMappingReport[];
}

/**
 * Maps every event of a parsed MISP document (`{"Event"}`, a bare body, `{"response": […]}`, an
 * array), for importers that take a file or URL (`intel import`). Returns `null` when the
 * document is not MISP events, so the caller can try another format. Objects shared by several
 * events (the creator's identity, an SCO, an ATT&CK technique) appear once per event; the intel
 * service stores each version once.
 */
export function mispDocumentToStix(doc: unknown, options: MispToStixOptions): MispDocumentResult | null {
  const events = readMispEvents(doc);
  if (events === null) return null;
  const result: MispDocumentResult = { objects: [], reports: [] };
  for (const event of events) {
    const mapped = mispEventToStix(event, options);
    result.objects.push(...mapped.objects);
    result.reports.push(mapped.report);
  }
  return result;
}
