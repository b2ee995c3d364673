/**
 * What the TLP release policy needs to know about the organisations of this deployment. Owned
 * here so the policy stays pure; build one from the store's organisations with
 * `orgGraphFromOrganisations`. The policy only ever asks about the recipient organisation, so a
 * graph that knows just the recipient's own record (its existence and parent) is enough.
 */
export interface OrgGraph {
  /** Whether the organisation belongs to this deployment (the TLP:GREEN community). */
  has(orgId: string): boolean;
  /** The organisation's parent (a client's provider, a subsidiary's group), or null. */
  parentOf(orgId: string): string | null;
}

/**
 * An `OrgGraph` over a list of organisations (`Organisation` from the store fits).
 *
 * @example orgGraphFromOrganisations(await store.orgGraph())
 */
export function orgGraphFromOrganisations(orgs: readonly { id: string; parentId: string | null }[]): OrgGraph {
  const parent = new Map<string, string | null>();
  for (const o of orgs) parent.set(o.id, o.parentId);
  return {
    has: (orgId) => parent.has(orgId),
    parentOf: (orgId) => parent.get(orgId) ?? null,
  };
}
