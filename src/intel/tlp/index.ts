/** TLP 2.0 markings and the release policy every path out of Shieldwall enforces. Pure. */
export {
  TLP_LEVELS,
  TLP_MARKING_IDS,
  TLP1_MARKING_IDS,
  TLP2_EXTENSION_ID,
  tlpLevelOfMarking,
  isTlpMarkingId,
  tlpRank,
  moreRestrictive,
  tlpMarkingDefinition,
  tlp1MarkingDefinition,
  type TlpLevel,
} from './tlp-markings.js';
export { UNMARKED_DEFAULT_TLP, RED_RECIPIENTS_PROPERTY, tlpOf, tlpLevelOf, effectiveTlpOf, releaseLevelsOf, granularTlpOf, redRecipientsOf } from './tlp-of.js';
export { orgGraphFromOrganisations, type OrgGraph } from './org-graph.js';
export { createReleasePolicy, type ReleasePolicy, type Recipient } from './release-policy.js';
export { redactSelected } from './redact-selected.js';
export { tlpDefinitionsFor } from './tlp-definitions-for.js';
