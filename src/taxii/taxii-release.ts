import { orgScope, type Store } from '../store/index.js';
import { createReleasePolicy, type ReleasePolicy } from '../intel/tlp/index.js';

/**
 * The TLP release policy for one recipient organisation. The policy asks the organisation graph
 * only about the recipient (is it a member, who is its parent), so the graph is built from the
 * recipient's own record, read in its own scope: one small query per request, nothing read across
 * organisations and nothing to audit.
 */
export function recipientReleasePolicy(store: Store): (orgId: string) => Promise<ReleasePolicy> {
  return async (orgId) => {
    const org = await store.scoped(orgScope(orgId)).organisations.get(orgId);
    return createReleasePolicy({
      has: (id) => org !== null && id === org.id,
      parentOf: (id) => (org !== null && id === org.id ? org.parentId : null),
    });
  };
}

/** STIX validation as `validateStixObject` of src/intel/stix answers it. */
export type TaxiiObjectValidator = (object: unknown) => { ok: true } | { ok: false; errors: { path: string; message: string }[] };
