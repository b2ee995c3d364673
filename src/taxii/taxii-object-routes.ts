import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ShieldwallError } from '../errors/error-catalog.js';
import type { Principal } from '../governance/index.js';
import { formatStixTimestamp, type CollectionEntry, type ScopedStore } from '../store/index.js';
import { callerStore, collectionFor } from './taxii-collection-access.js';
import { taxiiApiRootName, type TaxiiDeps } from './taxii-deps.js';
import { encodeNext, parseTaxiiFilters, type TaxiiFilters } from './taxii-filters.js';
import { stixMediaType } from './taxii-media.js';
import { readReleasedPage, type ReleasedPage } from './taxii-object-reader.js';
import { addEnvelope } from './taxii-object-writer.js';
import { sendTaxii, taxiiPrincipal } from './taxii-reply.js';
import { recipientReleasePolicy } from './taxii-release.js';
import { taxiiRoute } from './taxii-route.js';

/** The version string of an entry: its `modified` (or `created`); unversioned objects use date_added. */
function versionOf(entry: CollectionEntry): string {
  return formatStixTimestamp(entry.record.modifiedUs > 0 ? entry.record.modifiedUs : entry.dateAddedUs);
}

/**
 * Sends a paginated TAXII resource: `more`, `next` when more, the items under `key`, and the
 * X-TAXII-Date-Added-First/Last headers of the items served. Items are JSON texts, so stored
 * objects go out as stored without being encoded again. No items and no more: an empty resource.
 */
function sendPage(reply: FastifyReply, page: ReleasedPage, key: string, items: string[]): FastifyReply {
  const first = page.entries[0];
  const last = page.entries.at(-1);
  if (first && last) {
    void reply.header('x-taxii-date-added-first', formatStixTimestamp(first.dateAddedUs));
    void reply.header('x-taxii-date-added-last', formatStixTimestamp(last.dateAddedUs));
  }
  if (items.length === 0 && !page.more) return sendTaxii(reply, 200, '{}');
  const next = page.more && page.lastExaminedUs !== undefined ? `,"next":"${encodeNext(page.lastExaminedUs)}"` : '';
  const list = items.length > 0 ? `,${JSON.stringify(key)}:[${items.join(',')}]` : '';
  return sendTaxii(reply, 200, `{"more":${page.more}${next}${list}}`);
}

/** Objects, manifests, one object, its versions, delete and add (TAXII 2.1 sections 5.3 to 5.8). */
export function taxiiObjectRoutes(deps: TaxiiDeps) {
  const base = `/${taxiiApiRootName}/collections/:collectionId`;
  const policyFor = deps.releasePolicyFor ?? recipientReleasePolicy(deps.store);

  async function released(request: FastifyRequest, filters: (query: Record<string, unknown>) => TaxiiFilters) {
    const p = taxiiPrincipal(request);
    const { collectionId, objectId } = request.params as { collectionId: string; objectId?: string };
    const scoped = callerStore(deps.store, p);
    await collectionFor(scoped, p, collectionId, 'read');
    const f = filters(request.query as Record<string, unknown>);
    const policy = await policyFor(p.orgId);
    const page = await readReleasedPage(scoped.intel.collections, collectionId, objectId ? { ...f, ids: [objectId] } : f, policy, p.orgId);
    // An object the caller may not receive is answered exactly like one that does not exist.
    if (objectId && page.entries.length === 0 && !(await exists(scoped, collectionId, objectId, p.orgId))) {
      throw new ShieldwallError('NOT_FOUND', `object ${objectId} not found in collection ${collectionId}`, { where: 'params.objectId' });
    }
    return page;
  }

  async function exists(scoped: ScopedStore, collectionId: string, objectId: string, orgId: string): Promise<boolean> {
    const policy = await policyFor(orgId);
    const page = await readReleasedPage(scoped.intel.collections, collectionId, { limit: 1, ids: [objectId], versions: ['all'] }, policy, orgId);
    return page.entries.length > 0;
  }

  return async (app: FastifyInstance): Promise<void> => {
    taxiiRoute(app, 'GET', `${base}/objects/`, 'TAXII get objects', async (request, reply) => {
      const page = await released(request, (q) => parseTaxiiFilters(q));
      return sendPage(reply, page, 'objects', page.entries.map((e) => e.json));
    });

    taxiiRoute(app, 'GET', `${base}/manifest/`, 'TAXII get object manifests', async (request, reply) => {
      const page = await released(request, (q) => parseTaxiiFilters(q));
      const items = page.entries.map((e) =>
        JSON.stringify({ id: e.record.id, date_added: formatStixTimestamp(e.dateAddedUs), version: versionOf(e), media_type: stixMediaType }),
      );
      return sendPage(reply, page, 'objects', items);
    });

    taxiiRoute(app, 'GET', `${base}/objects/:objectId/`, 'TAXII get an object', async (request, reply) => {
      const page = await released(request, (q) => parseTaxiiFilters(q));
      return sendPage(reply, page, 'objects', page.entries.map((e) => e.json));
    });

    taxiiRoute(app, 'GET', `${base}/objects/:objectId/versions/`, 'TAXII get object versions', async (request, reply) => {
      const page = await released(request, (q) => ({ ...parseTaxiiFilters(q, { allowVersion: false }), versions: ['all'] }));
      return sendPage(reply, page, 'versions', page.entries.map((e) => JSON.stringify(versionOf(e))));
    });

    taxiiRoute(app, 'DELETE', `${base}/objects/:objectId/`, 'TAXII delete an object', async (request, reply) => {
      const p: Principal = taxiiPrincipal(request);
      const { collectionId, objectId } = request.params as { collectionId: string; objectId: string };
      const scoped = callerStore(deps.store, p);
      // Deleting needs read too: an organisation must not remove what it is not allowed to see.
      await collectionFor(scoped, p, collectionId, 'read');
      await collectionFor(scoped, p, collectionId, 'write');
      const f = parseTaxiiFilters(request.query as Record<string, unknown>);
      if (!(await exists(scoped, collectionId, objectId, p.orgId))) {
        throw new ShieldwallError('NOT_FOUND', `object ${objectId} not found in collection ${collectionId}`, { where: 'params.objectId' });
      }
      const removed = await scoped.intel.collections.removeObject(collectionId, objectId, {
        ...(f.versions ? { versions: f.versions } : { versions: ['all'] }),
        ...(f.specVersions ? { specVersions: f.specVersions } : {}),
      });
      if (removed === 0) throw new ShieldwallError('NOT_FOUND', `no version of ${objectId} matches`, { where: 'query.match[version]' });
      return reply.status(200).send();
    });

    taxiiRoute(app, 'POST', `${base}/objects/`, 'TAXII add objects', async (request, reply) => {
      const p = taxiiPrincipal(request);
      const { collectionId } = request.params as { collectionId: string };
      const status = await addEnvelope(deps, p, collectionId, request.headers['content-type'], request.body);
      return sendTaxii(reply, 202, status);
    });
  };
}
