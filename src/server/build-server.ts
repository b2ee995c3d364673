import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Bus } from '../bus/index.js';
import type { Config } from '../config/index.js';
import { TokenVerifier } from '../governance/index.js';
import type { Store } from '../store/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { randomIds, type IdGenerator } from '../shared/ids.js';
import { taxiiPlugin } from '../taxii/index.js';
import { authPlugin } from './plugins/auth.js';
import { errorHandler } from './plugins/error-handler.js';
import { healthRoutes } from './plugins/health.js';
import { createMetricsRegistry, metricsPlugin } from './plugins/metrics.js';
import { orgRoutes } from './routes/org-routes.js';
import { recordRoutes } from './routes/record-routes.js';
import { tokenRoutes } from './routes/token-routes.js';

export interface ServerDeps {
  config: Pick<Config, 'http'>;
  store: Store;
  bus: Bus;
  clock?: Clock;
  /** Ids of created resources (TAXII status resources); random UUIDs by default. */
  ids?: IdGenerator;
  logger?: Logger;
  registry?: Registry;
}

/** Extra route plugins a capability contributes (explicit list, registered in order). */
export type RoutePlugin = (app: FastifyInstance) => Promise<void>;

/**
 * Builds the HTTP API without listening: tests drive it with `app.inject()`, the runtime listens.
 * Plugins are registered from this explicit list; nothing registers itself by being imported.
 */
export async function buildServer(deps: ServerDeps, extra: RoutePlugin[] = []): Promise<FastifyInstance> {
  const clock = deps.clock ?? systemClock;
  const registry = deps.registry ?? createMetricsRegistry();
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.config.http.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  // Responses finished while draining close their keep-alive connection, so close() need not wait
  // for idle sockets to time out.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (draining) void reply.header('connection', 'close');
    return payload;
  });

  await app.register(errorHandler);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Shieldwall API', version: '0.1.0', description: 'Collective cyber-defence platform' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(metricsPlugin, { registry });
  const verifier = new TokenVerifier(deps.store, clock);
  await app.register(authPlugin, { verifier });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes({ store: deps.store, bus: deps.bus, isDraining: () => draining }));
  await app.register(orgRoutes({ store: deps.store, clock }));
  await app.register(tokenRoutes({ store: deps.store, clock, verifier }));
  await app.register(recordRoutes({ store: deps.store }));
  await app.register(taxiiPlugin({ store: deps.store, clock, ids: deps.ids ?? randomIds, maxContentLength: deps.config.http.bodyLimit }), {
    prefix: '/taxii2',
  });
  for (const plugin of extra) await app.register(plugin);
  await app.ready();
  // The typed provider only matters inside route definitions; callers see a plain instance.
  return app as unknown as FastifyInstance;
}
