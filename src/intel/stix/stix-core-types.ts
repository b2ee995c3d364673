/**
 * STIX 2.1 common data types and the properties every object shares (STIX 2.1 §2, §3).
 * Types only: importable from pure code, no runtime.
 */

/** `type--UUID` (STIX 2.1 §2.9). Kept a plain string so JSON from the wire needs no cast. */
export type StixId = string;

/** RFC 3339 UTC timestamp with a `Z` zone, e.g. `2026-11-26T01:40:00.000Z` (STIX 2.1 §2.11). */
export type StixTimestamp = string;

/** Hash algorithm name (hash-algorithm-ov: `MD5`, `SHA-1`, `SHA-256`, `SHA-512`, `SHA3-256`, `SSDEEP`, `TLSH`…) to hex value. */
export type Hashes = Record<string, string>;

/** A pointer to non-STIX information (§2.5). */
export interface ExternalReference {
  source_name: string;
  description?: string;
  url?: string;
  hashes?: Hashes;
  external_id?: string;
}

/** A phase of a kill chain, e.g. `{ kill_chain_name: 'mitre-attack', phase_name: 'execution' }` (§2.8). */
export interface KillChainPhase {
  kill_chain_name: string;
  phase_name: string;
}

/**
 * A marking applied to parts of an object (§7.2.3). `selectors` name properties
 * (`description`, `labels.[1]`, `external_references.[0].url`); exactly one of `marking_ref`
 * and `lang` is present.
 */
export interface GranularMarking {
  selectors: string[];
  marking_ref?: StixId;
  lang?: string;
}

/** Extension contents keyed by `extension-definition--…` id or a predefined `*-ext` name (§7.3). */
export type Extensions = Record<string, Record<string, unknown>>;

/** Properties common to SDOs, SROs and the marking definition (§3.2). */
export interface StixCommonProperties {
  type: string;
  spec_version: '2.1';
  id: StixId;
  created_by_ref?: StixId;
  created: StixTimestamp;
  modified: StixTimestamp;
  revoked?: boolean;
  labels?: string[];
  confidence?: number;
  lang?: string;
  external_references?: ExternalReference[];
  object_marking_refs?: StixId[];
  granular_markings?: GranularMarking[];
  extensions?: Extensions;
  /** Custom properties (`x_…`) are allowed by the specification. */
  [custom: `x_${string}`]: unknown;
}

/** Properties common to every STIX Cyber-observable Object (§3.3, §6). */
export interface ScoCommonProperties {
  type: string;
  spec_version?: '2.1';
  id: StixId;
  object_marking_refs?: StixId[];
  granular_markings?: GranularMarking[];
  defanged?: boolean;
  extensions?: Extensions;
  [custom: `x_${string}`]: unknown;
}

/**
 * Any STIX object as read from the wire: what every helper that must accept foreign or custom
 * objects (validation, TLP, storage) takes. `type` and `id` are all it can rely on.
 */
export interface AnyStixObject {
  type: string;
  id: StixId;
  [property: string]: unknown;
}
