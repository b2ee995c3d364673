/**
 * STIX 2.1 domain objects, relationship objects, the marking definition and the bundle that
 * Shieldwall stores and exchanges (STIX 2.1 §4, §5, §7, §8). Types only.
 */
import type { ExternalReference, KillChainPhase, StixCommonProperties, StixId, StixTimestamp, Extensions, GranularMarking } from './stix-core-types.js';
import type { StixCyberObservable } from './stix-observable-types.js';

/** §4.7: a pattern that detects suspicious or malicious activity. */
export interface Indicator extends StixCommonProperties {
  type: 'indicator';
  name?: string;
  description?: string;
  indicator_types?: string[];
  pattern: string;
  /** `stix`, `pcre`, `sigma`, `snort`, `suricata`, `yara` (pattern-type-ov). */
  pattern_type: string;
  pattern_version?: string;
  valid_from: StixTimestamp;
  valid_until?: StixTimestamp;
  kill_chain_phases?: KillChainPhase[];
}

/** §4.13: raw observations, referring to SCOs by id (the 2.1 way; `objects` is deprecated). */
export interface ObservedData extends StixCommonProperties {
  type: 'observed-data';
  first_observed: StixTimestamp;
  last_observed: StixTimestamp;
  number_observed: number;
  object_refs: StixId[];
}

/** §5.2: the belief that something (usually an indicator) was seen. */
export interface Sighting extends StixCommonProperties {
  type: 'sighting';
  description?: string;
  first_seen?: StixTimestamp;
  last_seen?: StixTimestamp;
  count?: number;
  sighting_of_ref: StixId;
  observed_data_refs?: StixId[];
  where_sighted_refs?: StixId[];
  summary?: boolean;
}

/** §4.10. `is_family` is required; `name` is required when it is true. */
export interface Malware extends StixCommonProperties {
  type: 'malware';
  name?: string;
  description?: string;
  malware_types?: string[];
  is_family: boolean;
  aliases?: string[];
  kill_chain_phases?: KillChainPhase[];
  first_seen?: StixTimestamp;
  last_seen?: StixTimestamp;
  operating_system_refs?: StixId[];
  architecture_execution_envs?: string[];
  implementation_languages?: string[];
  capabilities?: string[];
  sample_refs?: StixId[];
}

/** §4.1: a TTP, usually an ATT&CK technique (its id in `external_references`). */
export interface AttackPattern extends StixCommonProperties {
  type: 'attack-pattern';
  name: string;
  description?: string;
  aliases?: string[];
  kill_chain_phases?: KillChainPhase[];
}

/** §4.9. */
export interface IntrusionSet extends StixCommonProperties {
  type: 'intrusion-set';
  name: string;
  description?: string;
  aliases?: string[];
  first_seen?: StixTimestamp;
  last_seen?: StixTimestamp;
  goals?: string[];
  resource_level?: string;
  primary_motivation?: string;
  secondary_motivations?: string[];
}

/** §4.16: a published collection of threat intelligence. */
export interface Report extends StixCommonProperties {
  type: 'report';
  name: string;
  description?: string;
  report_types?: string[];
  published: StixTimestamp;
  object_refs: StixId[];
}

/** §4.12: an analyst's comment on other objects. */
export interface Note extends StixCommonProperties {
  type: 'note';
  abstract?: string;
  content: string;
  authors?: string[];
  object_refs: StixId[];
}

/** §4.5: an organisation, individual, sector or system. */
export interface Identity extends StixCommonProperties {
  type: 'identity';
  name: string;
  description?: string;
  roles?: string[];
  /** `individual`, `group`, `system`, `organization`, `class`, `unknown` (identity-class-ov). */
  identity_class?: string;
  sectors?: string[];
  contact_information?: string;
}

/** §5.1: a typed edge between two objects. */
export interface Relationship extends StixCommonProperties {
  type: 'relationship';
  relationship_type: string;
  description?: string;
  source_ref: StixId;
  target_ref: StixId;
  start_time?: StixTimestamp;
  stop_time?: StixTimestamp;
}

/**
 * §7.2.1: a marking. It has no `modified` (markings are never versioned), so it does not extend
 * the common SDO properties. TLP 1.0 uses `definition_type: 'tlp'`; TLP 2.0 uses an extension.
 */
export interface MarkingDefinition {
  type: 'marking-definition';
  spec_version: '2.1';
  id: StixId;
  created_by_ref?: StixId;
  created: StixTimestamp;
  name?: string;
  definition_type?: string;
  definition?: Record<string, unknown>;
  external_references?: ExternalReference[];
  object_marking_refs?: StixId[];
  granular_markings?: GranularMarking[];
  extensions?: Extensions;
}

/** The domain objects modelled here. */
export type StixDomainObject = Indicator | ObservedData | Malware | AttackPattern | IntrusionSet | Report | Note | Identity;

/** The relationship objects. */
export type StixRelationshipObject = Relationship | Sighting;

/** Any object modelled here (custom and foreign types travel as `AnyStixObject`). */
export type StixObject = StixDomainObject | StixRelationshipObject | StixCyberObservable | MarkingDefinition;

/** §8: a transport wrapper; it is not versioned and has no `spec_version` in 2.1. */
export interface Bundle<T = StixObject> {
  type: 'bundle';
  id: StixId;
  objects: T[];
}
