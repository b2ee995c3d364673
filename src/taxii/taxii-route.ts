import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * Registers a TAXII endpoint at its specified path (with the trailing slash the specification
 * writes) and without it, since clients differ on the slash.
 */
export function taxiiRoute(app: FastifyInstance, method: HTTPMethods, path: string, summary: string, handler: Handler): void {
  const paths = path.endsWith('/') && path !== '/' ? [path, path.slice(0, -1)] : [path];
  paths.forEach((url, i) => {
    app.route({ method, url, schema: { tags: ['taxii'], summary, ...(i > 0 ? { hide: true } : {}) }, handler });
  });
}
