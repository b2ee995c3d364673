import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Bus } from '../../bus/index.js';
import type { Store } from '../../store/index.js';

const Health = Type.Object({ status: Type.String(), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: store and bus answer, not draining). */
export function healthRoutes(deps: { store: Store; bus: Bus; isDraining: () => boolean }) {
  return async (app: FastifyInstance) => {
    app.get('/healthz', { schema: { tags: ['ops'], response: { 200: Health } } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { tags: ['ops'], response: { 200: Health, 503: Health } } }, async (_req, reply) => {
      const checks: Record<string, string> = {};
      let ok = !deps.isDraining();
      if (!ok) checks.server = 'draining';
      for (const [name, ping] of [
        ['store', () => deps.store.ping()],
        ['bus', () => deps.bus.ping()],
      ] as const) {
        try {
          await ping();
          checks[name] = 'ok';
        } catch (err) {
          ok = false;
          checks[name] = (err as Error).message;
        }
      }
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', checks });
    });
  };
}
