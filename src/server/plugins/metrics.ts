import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics at `/metrics`. Each server has its own registry (no global state), so several
 * servers can run in one process (tests) and other modules register their metrics on it.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, opts: { registry: Registry }) => {
    const registry = opts.registry;
    const requests = new Counter({
      name: 'shieldwall_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    });
    const duration = new Histogram({
      name: 'shieldwall_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    });
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });
    app.get('/metrics', { schema: { tags: ['ops'], hide: true } }, async (_req, reply) => {
      void reply.header('content-type', registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'shieldwall-metrics' },
);

/** A registry with Node's default process metrics. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'shieldwall_' });
  return registry;
}
