import type { Store } from '../../store/index.js';
import { createReleasePolicy, orgGraphFromOrganisations, type ReleasePolicy } from '../tlp/index.js';

/**
 * The TLP release policy over the deployment's current organisations and their parents (AMBER
 * reaches a producer's clients, GREEN every member). Listing organisations is an authority read,
 * audited like every other; callers that decide per event keep the policy for a while.
 */
export async function releasePolicyFor(store: Store): Promise<ReleasePolicy> {
  const orgs = await store.scoped({ kind: 'authority', actor: 'system:intel', reason: 'TLP release policy: organisation graph' }).organisations.list();
  return createReleasePolicy(orgGraphFromOrganisations(orgs));
}
