import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ShieldwallError } from '../errors/error-catalog.js';
import { formatStixTimestamp } from '../store/index.js';
import { callerRights, callerStore, collectionFor, collectionResource } from './taxii-collection-access.js';
import { taxiiApiRootName, type TaxiiDeps } from './taxii-deps.js';
import { taxiiMediaType } from './taxii-media.js';
import { sendTaxii, taxiiPrincipal } from './taxii-reply.js';
import { taxiiRoute } from './taxii-route.js';

/** Absolute URL of this server's API root, as the client reached the server. */
function apiRootUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/taxii2/${taxiiApiRootName}/`;
}

/** Server discovery, API root information, status resources and the collections of the API root. */
export function taxiiRootRoutes(deps: TaxiiDeps) {
  const root = `/${taxiiApiRootName}`;
  return async (app: FastifyInstance): Promise<void> => {
    taxiiRoute(app, 'GET', '/', 'TAXII server discovery', async (request, reply) => {
      taxiiPrincipal(request);
      const url = apiRootUrl(request);
      return sendTaxii(reply, 200, {
        title: deps.title ?? 'Shieldwall TAXII 2.1 server',
        description: 'Threat intelligence shared among the members of the alliance, released per TLP 2.0.',
        default: url,
        api_roots: [url],
      });
    });

    taxiiRoute(app, 'GET', `${root}/`, 'TAXII API root information', async (request, reply) => {
      taxiiPrincipal(request);
      return sendTaxii(reply, 200, {
        title: 'Shieldwall',
        description: 'The one API root of this node: every collection shared with your organisation.',
        versions: [taxiiMediaType],
        max_content_length: deps.maxContentLength,
      });
    });

    taxiiRoute(app, 'GET', `${root}/status/:statusId/`, 'TAXII status of an add-objects request', async (request, reply) => {
      const p = taxiiPrincipal(request);
      const { statusId } = request.params as { statusId: string };
      const status = await callerStore(deps.store, p).intel.statuses.get(statusId);
      if (!status) throw new ShieldwallError('NOT_FOUND', `status ${statusId} not found`, { where: 'params.statusId' });
      return sendTaxii(reply, 200, {
        id: status.id,
        status: status.status,
        request_timestamp: formatStixTimestamp(status.requestTimestamp * 1000),
        total_count: status.totalCount,
        success_count: status.successCount,
        successes: status.successes,
        failure_count: status.failureCount,
        failures: status.failures,
        pending_count: status.pendingCount,
        pendings: status.pendings,
      });
    });

    taxiiRoute(app, 'GET', `${root}/collections/`, 'TAXII collections visible to the caller', async (request, reply) => {
      const p = taxiiPrincipal(request);
      const collections = await callerStore(deps.store, p).intel.collections.list();
      return sendTaxii(reply, 200, collections.length > 0 ? { collections: collections.map((c) => collectionResource(callerRights(c, p))) } : {});
    });

    taxiiRoute(app, 'GET', `${root}/collections/:collectionId/`, 'TAXII collection', async (request, reply) => {
      const p = taxiiPrincipal(request);
      const { collectionId } = request.params as { collectionId: string };
      return sendTaxii(reply, 200, collectionResource(await collectionFor(callerStore(deps.store, p), p, collectionId)));
    });
  };
}
