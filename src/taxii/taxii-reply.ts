import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../governance/index.js';
import { requirePrincipal } from '../server/plugins/auth.js';
import { taxiiMediaType } from './taxii-media.js';

/**
 * Sends a TAXII resource (already JSON text, or a value to encode) with exactly the TAXII media
 * type. As a Buffer, because Fastify rewrites the Content-Type of a string body (quoting the
 * version, adding a charset), which strict clients compare literally.
 */
export function sendTaxii(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return reply.status(status).header('content-type', taxiiMediaType).send(Buffer.from(text, 'utf8'));
}

/** The caller of a TAXII request: every TAXII endpoint needs a token (Bearer or Basic). */
export function taxiiPrincipal(request: FastifyRequest): Principal {
  return requirePrincipal(request);
}
