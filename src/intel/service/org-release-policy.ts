import type { Store } from '../../store/index.js';
import { createReleasePolicy, orgGraphFromOrganisations, type ReleasePolicy } from '../tlp/index.js';

/**
 * The TLP release policy over the deployment's current organisations and their parents (AMBER
 * reaches a producer's clients, GREEN every member). The graph comes from `store.orgGraph()`, the
 * store's unaudited system read of ids and parents: this runs per search and per export, and an
 * authority read here would write an audit entry for every one of them while recording nothing a
 * person did (docs/intel.md, "Who reads what").
 */
export async function releasePolicyFor(store: Store): Promise<ReleasePolicy> {
  return createReleasePolicy(orgGraphFromOrganisations(await store.orgGraph()));
}
