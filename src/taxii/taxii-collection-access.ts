import { ShieldwallError } from '../errors/error-catalog.js';
import { roleAtLeast, type Principal } from '../governance/index.js';
import { orgScope, type ScopedStore, type Store, type TaxiiCollection } from '../store/index.js';
import { stixMediaType } from './taxii-media.js';

/** A collection with the caller's effective rights: its organisation's grant and its role. */
export interface CallerCollection {
  collection: TaxiiCollection;
  canRead: boolean;
  canWrite: boolean;
}

/** The caller's store: always its own organisation's scope (TAXII has no authority override). */
export function callerStore(store: Store, p: Principal): ScopedStore {
  return store.scoped(orgScope(p.orgId));
}

/** Effective rights of `p` on a collection visible to its organisation. */
export function callerRights(collection: TaxiiCollection, p: Principal): CallerCollection {
  return {
    collection,
    canRead: collection.canRead && roleAtLeast(p.role, collection.readRole),
    canWrite: collection.canWrite && roleAtLeast(p.role, collection.writeRole),
  };
}

/**
 * The collection for a request: 404 when the caller's organisation cannot see it (exactly as if it
 * did not exist), 403 when it can see it but lacks the right the endpoint needs.
 */
export async function collectionFor(scoped: ScopedStore, p: Principal, id: string, need?: 'read' | 'write'): Promise<CallerCollection> {
  const collection = await scoped.intel.collections.get(id);
  if (!collection) throw new ShieldwallError('NOT_FOUND', `collection ${id} not found`, { where: 'params.collectionId' });
  const rights = callerRights(collection, p);
  if (need === 'read' && !rights.canRead) throw new ShieldwallError('FORBIDDEN', `collection ${id}: this token may not read it`, { where: 'params.collectionId' });
  if (need === 'write' && !rights.canWrite) throw new ShieldwallError('FORBIDDEN', `collection ${id}: this token may not add or delete objects`, { where: 'params.collectionId' });
  return rights;
}

/** The TAXII collection resource. */
export function collectionResource(c: CallerCollection): Record<string, unknown> {
  const { collection } = c;
  return {
    id: collection.id,
    title: collection.title,
    ...(collection.description !== null ? { description: collection.description } : {}),
    ...(collection.alias !== null ? { alias: collection.alias } : {}),
    can_read: c.canRead,
    can_write: c.canWrite,
    media_types: collection.mediaTypes.length > 0 ? collection.mediaTypes : [stixMediaType],
  };
}
