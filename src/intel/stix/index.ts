/**
 * The STIX 2.1 library: types, ids, timestamps, versioning, builders and the validator factory.
 * Pure (no file or network I/O), so pure code such as the pattern library may import it.
 * `validateStixObject` and `validateBundle`, which load the shipped schemas from disk, are in
 * `./node.ts`.
 */
export type * from './stix-core-types.js';
export type * from './stix-object-types.js';
export type * from './stix-observable-types.js';
export { SCO_ID_NAMESPACE, SCO_ID_CONTRIBUTING_PROPERTIES, isScoType, stixId, scoId, uuidV5, parseStixId, isStixId } from './stix-id.js';
export { canonicalJson } from './canonical-json.js';
export { stixTimestamp, parseStixTimestamp, isStixTimestamp, compareStixTimestamps } from './stix-timestamp.js';
export { newVersion, revoke, isNewerVersion, latestVersion, type VersionChanges } from './stix-versioning.js';
export {
  SHIELDWALL_IDENTITY_NAMESPACE,
  organisationIdentityId,
  buildIndicator,
  buildSighting,
  buildOrganisationIdentity,
  buildReport,
  buildNote,
  buildRelationship,
  buildObservedData,
  buildSco,
  buildBundle,
  type StixBuildContext,
  type CommonBuildOptions,
} from './stix-builders.js';
export { parseSelector, resolveSelector, type SelectorStep } from './granular-selector.js';
export {
  createStixValidator,
  type StixValidator,
  type StixValidationError,
  type StixValidationResult,
  type BundleValidationResult,
  type JsonSchemaDocument,
} from './stix-validator.js';
