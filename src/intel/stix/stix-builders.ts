import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import type { ExternalReference, GranularMarking, KillChainPhase, StixId, StixTimestamp } from './stix-core-types.js';
import type { Bundle, Identity, Indicator, Note, ObservedData, Relationship, Report, Sighting } from './stix-object-types.js';
import type { StixCyberObservable } from './stix-observable-types.js';
import { scoId, stixId, uuidV5 } from './stix-id.js';
import { stixTimestamp } from './stix-timestamp.js';

/** The environment every builder needs: time and ids are injected so tests are deterministic. */
export interface StixBuildContext {
  clock: Clock;
  /** Must yield RFC 4122 UUIDs (`randomIds` does). */
  ids: IdGenerator;
}

/** Options every SDO/SRO builder accepts. */
export interface CommonBuildOptions {
  /** The `identity--…` of the producer (see `organisationIdentityId`). */
  createdBy?: StixId;
  /** `object_marking_refs`, e.g. `[TLP_MARKING_IDS.amber]`. */
  markings?: StixId[];
  granularMarkings?: GranularMarking[];
  labels?: string[];
  confidence?: number;
  lang?: string;
  externalReferences?: ExternalReference[];
  /** Custom properties (`x_…`), copied as given. */
  custom?: Record<`x_${string}`, unknown>;
}

/**
 * Namespace of Shieldwall's deterministic identity ids (any fixed UUID but the SCO namespace,
 * which SDOs MUST NOT use).
 */
export const SHIELDWALL_IDENTITY_NAMESPACE = '6b1c4f0e-3d52-4c8a-9a57-2f0d8e6b7c31';

/**
 * The `identity--…` id of an organisation of this deployment: the same org always gets the same
 * id, so `created_by_ref` and `where_sighted_refs` need no lookup (STIX 2.1 §2.9 allows a
 * non-v4 UUID for an SDO in a producer's own namespace).
 */
export function organisationIdentityId(orgId: string): StixId {
  return `identity--${uuidV5(SHIELDWALL_IDENTITY_NAMESPACE, orgId)}`;
}

function common(type: string, now: StixTimestamp, opts: CommonBuildOptions, ctx: StixBuildContext, id?: StixId) {
  return compact({
    type,
    spec_version: '2.1' as const,
    id: id ?? stixId(type, ctx.ids),
    created_by_ref: opts.createdBy,
    created: now,
    modified: now,
    labels: nonEmpty(opts.labels),
    confidence: opts.confidence,
    lang: opts.lang,
    external_references: nonEmpty(opts.externalReferences),
    object_marking_refs: nonEmpty(opts.markings),
    granular_markings: nonEmpty(opts.granularMarkings),
    ...opts.custom,
  });
}

/**
 * An indicator for a pattern (STIX patterning by default). `validFrom` defaults to now.
 *
 * @example buildIndicator({ pattern: "[ipv4-addr:value = '198.51.100.7']", markings: [TLP_MARKING_IDS.green] }, ctx)
 */
export function buildIndicator(
  input: CommonBuildOptions & {
    pattern: string;
    patternType?: string;
    patternVersion?: string;
    name?: string;
    description?: string;
    indicatorTypes?: string[];
    validFrom?: StixTimestamp;
    validUntil?: StixTimestamp;
    killChainPhases?: KillChainPhase[];
  },
  ctx: StixBuildContext,
): Indicator {
  const now = stixTimestamp(ctx.clock.now());
  return compact({
    ...common('indicator', now, input, ctx),
    name: input.name,
    description: input.description,
    indicator_types: nonEmpty(input.indicatorTypes),
    pattern: input.pattern,
    pattern_type: input.patternType ?? 'stix',
    pattern_version: input.patternVersion ?? ((input.patternType ?? 'stix') === 'stix' ? '2.1' : undefined),
    valid_from: input.validFrom ?? now,
    valid_until: input.validUntil,
    kill_chain_phases: nonEmpty(input.killChainPhases),
  }) as Indicator;
}

/**
 * A sighting of an indicator (or any SDO): who saw it (`whereSighted`, identity ids), when, how
 * often, and the observed data behind it.
 */
export function buildSighting(
  input: CommonBuildOptions & {
    sightingOf: StixId;
    whereSighted?: StixId[];
    observedData?: StixId[];
    count?: number;
    firstSeen?: StixTimestamp;
    lastSeen?: StixTimestamp;
    description?: string;
    summary?: boolean;
  },
  ctx: StixBuildContext,
): Sighting {
  const now = stixTimestamp(ctx.clock.now());
  return compact({
    ...common('sighting', now, input, ctx),
    description: input.description,
    first_seen: input.firstSeen,
    last_seen: input.lastSeen,
    count: input.count,
    sighting_of_ref: input.sightingOf,
    observed_data_refs: nonEmpty(input.observedData),
    where_sighted_refs: nonEmpty(input.whereSighted),
    summary: input.summary,
  }) as Sighting;
}

/**
 * The identity of an organisation of this deployment, with its deterministic id
 * (`organisationIdentityId`), so every producer names the same org the same way.
 */
export function buildOrganisationIdentity(
  input: CommonBuildOptions & { orgId: string; name: string; description?: string; sectors?: string[]; contactInformation?: string; roles?: string[] },
  ctx: StixBuildContext,
): Identity {
  const now = stixTimestamp(ctx.clock.now());
  return compact({
    ...common('identity', now, input, ctx, organisationIdentityId(input.orgId)),
    name: input.name,
    description: input.description,
    roles: nonEmpty(input.roles),
    identity_class: 'organization',
    sectors: nonEmpty(input.sectors),
    contact_information: input.contactInformation,
  }) as Identity;
}

/** A report grouping objects (`published` defaults to now). */
export function buildReport(
  input: CommonBuildOptions & { name: string; objectRefs: StixId[]; description?: string; reportTypes?: string[]; published?: StixTimestamp },
  ctx: StixBuildContext,
): Report {
  const now = stixTimestamp(ctx.clock.now());
  return compact({
    ...common('report', now, input, ctx),
    name: input.name,
    description: input.description,
    report_types: nonEmpty(input.reportTypes),
    published: input.published ?? now,
    object_refs: input.objectRefs,
  }) as Report;
}

/** An analyst note on objects. */
export function buildNote(
  input: CommonBuildOptions & { content: string; objectRefs: StixId[]; abstract?: string; authors?: string[] },
  ctx: StixBuildContext,
): Note {
  const now = stixTimestamp(ctx.clock.now());
  return compact({
    ...common('note', now, input, ctx),
    abstract: input.abstract,
    content: input.content,
    authors: nonEmpty(input.authors),
    object_refs: input.objectRefs,
  }) as Note;
}

/** A relationship `source --relationshipType--> target` (e.g. `indicates`, `uses`, `based-on`). */
export function buildRelationship(
  input: CommonBuildOptions & { relationshipType: string; sourceRef: StixId; targetRef: StixId; description?: string },
  ctx: StixBuildContext,
): Relationship {
  const now = stixTimestamp(ctx.clock.now());
  return compact({
    ...common('relationship', now, input, ctx),
    relationship_type: input.relationshipType,
    description: input.description,
    source_ref: input.sourceRef,
    target_ref: input.targetRef,
  }) as Relationship;
}

/** Observed data referring to SCOs by id. */
export function buildObservedData(
  input: CommonBuildOptions & { objectRefs: StixId[]; firstObserved: StixTimestamp; lastObserved: StixTimestamp; numberObserved?: number },
  ctx: StixBuildContext,
): ObservedData {
  const now = stixTimestamp(ctx.clock.now());
  return compact({
    ...common('observed-data', now, input, ctx),
    first_observed: input.firstObserved,
    last_observed: input.lastObserved,
    number_observed: input.numberObserved ?? 1,
    object_refs: input.objectRefs,
  }) as ObservedData;
}

/** Distributes `Omit` over a union, so each SCO keeps its own properties. */
type ScoInput<T> = T extends StixCyberObservable ? Omit<T, 'id' | 'spec_version'> : never;

/**
 * An SCO with its deterministic id (STIX 2.1 §2.9) and `spec_version`.
 *
 * @example buildSco({ type: 'ipv4-addr', value: '198.51.100.7' }, ctx)
 */
export function buildSco<T extends ScoInput<StixCyberObservable>>(sco: T, ctx: Pick<StixBuildContext, 'ids'>): T & { id: StixId; spec_version: '2.1' } {
  const { type, ...rest } = compact({ ...sco }) as T;
  // `type`, `spec_version`, `id` first: the order readers expect when they open the JSON.
  const out = { type, spec_version: '2.1', id: scoId(sco, ctx.ids), ...rest };
  return out as unknown as T & { id: StixId; spec_version: '2.1' };
}

/** A bundle around objects (bundles are not versioned and carry no `spec_version` in 2.1). */
export function buildBundle<T>(objects: T[], ctx: Pick<StixBuildContext, 'ids'>): Bundle<T> {
  return { type: 'bundle', id: stixId('bundle', ctx.ids), objects };
}

function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

/** Drops undefined properties: absent and undefined differ to a schema validator and in storage. */
function compact<T extends Record<string, unknown>>(o: T): T {
  for (const key of Object.keys(o)) if (o[key] === undefined) delete o[key];
  return o;
}
