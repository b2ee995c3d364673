import type { FastifyError, FastifyInstance } from 'fastify';
import { ShieldwallError } from '../errors/error-catalog.js';
import { toShieldwallError } from '../server/plugins/error-handler.js';
import type { TaxiiDeps } from './taxii-deps.js';
import { taxiiErrorMessage } from './taxii-error.js';
import { assertAcceptsTaxii } from './taxii-media.js';
import { taxiiObjectRoutes } from './taxii-object-routes.js';
import { sendTaxii } from './taxii-reply.js';
import { taxiiRootRoutes } from './taxii-root-routes.js';

/** Challenge sent with every 401: both schemes the server takes. */
export const taxiiAuthenticateChallenge = 'Basic realm="shieldwall-taxii", Bearer realm="shieldwall-taxii"';

/**
 * The TAXII 2.1 server as an encapsulated plugin, registered under `/taxii2`: discovery at
 * `/taxii2/`, one API root at `/taxii2/api/`. Inside it every error, including authentication
 * failures of the shared auth hook and unknown paths, is a TAXII error message with the TAXII
 * media type; a 401 carries WWW-Authenticate.
 */
export function taxiiPlugin(deps: TaxiiDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const e = toShieldwallError(err);
      if (e.genre === 'technical') request.log.error({ err: e.cause ?? err, code: e.code }, e.message);
      else request.log.info({ code: e.code }, e.message);
      if (e.status === 401) void reply.header('www-authenticate', taxiiAuthenticateChallenge);
      void sendTaxii(reply, e.status, taxiiErrorMessage(e, String(request.id)));
    });
    app.setNotFoundHandler((request, reply) => {
      const e = new ShieldwallError('NOT_FOUND', `no TAXII resource ${request.method} ${request.url.split('?')[0]}`);
      void sendTaxii(reply, 404, taxiiErrorMessage(e, String(request.id)));
    });
    app.addContentTypeParser('application/taxii+json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (e) {
        done(new ShieldwallError('INVALID_JSON', `request body is not valid JSON: ${(e as Error).message}`) as unknown as FastifyError, undefined);
      }
    });
    app.addHook('preHandler', async (request) => {
      assertAcceptsTaxii(request.headers.accept);
    });
    await app.register(taxiiRootRoutes(deps));
    await app.register(taxiiObjectRoutes(deps));
  };
}
