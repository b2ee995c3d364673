/**
 * MISP <-> STIX 2.1 (pure): read MISP events and feed manifests, map events to STIX objects, and
 * build a MISP event from STIX indicators for export. Reading files or URLs lives with the callers
 * (src/intel/feeds, the CLI).
 */
export {
  readMispEvents,
  type MispAttribute,
  type MispEvent,
  type MispGalaxy,
  type MispObject,
  type MispOrg,
  type MispTag,
} from './misp-event.js';
export {
  mispDocumentToStix,
  mispEventToStix,
  type MispDocumentResult,
  type MispMappingReport,
  type MispStixResult,
  type MispToStixOptions,
} from './misp-to-stix.js';
export { stixToMispEvent, type StixToMispOptions, type StixToMispResult } from './stix-to-misp.js';
export { changedFeedEntries, readMispFeedManifest, type MispFeedCursor, type MispFeedEntry } from './misp-feed-manifest.js';
export { tlpFromDistribution, tlpFromTags } from './misp-markings.js';
export { supportedMispTypes } from './misp-attribute-forms.js';
