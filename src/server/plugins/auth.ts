import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { AUTHORITY_ORG_ID, parseToken, roleAtLeast, type Principal, type TokenVerifier } from '../../governance/index.js';
import { orgScope, type Role, type Scope } from '../../store/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/**
 * The API token in an Authorization header: `Bearer <token>`, or HTTP Basic with the token id as
 * user name and the whole token as password (for TAXII clients that only speak Basic). A Basic
 * user name that is not the token's id is refused, so swapped fields fail loudly.
 */
export function tokenFromAuthorization(header: string): string {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1]!;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = decoded.slice(0, colon);
    const token = decoded.slice(colon + 1);
    if (colon > 0 && parseToken(token)?.id === user) return token;
    throw new ShieldwallError('UNAUTHENTICATED', 'Basic credentials must be <token id>:<token>');
  }
  throw new ShieldwallError('UNAUTHENTICATED', 'Authorization header must be "Bearer <token>" or Basic <token id>:<token>');
}

/** Resolves the Authorization header on every request; routes then call `requirePrincipal`. */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { verifier: TokenVerifier }) => {
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (!header) return;
      const principal = await opts.verifier.verify(tokenFromAuthorization(header));
      if (!principal) throw new ShieldwallError('UNAUTHENTICATED', 'invalid, expired or revoked token');
      request.principal = principal;
    });
  },
  { name: 'shieldwall-auth' },
);

/** The caller, or 401; with `role`, 403 unless the caller's role is at least that. */
export function requirePrincipal(request: FastifyRequest, role?: Role): Principal {
  const p = request.principal;
  if (!p) throw new ShieldwallError('UNAUTHENTICATED', 'this endpoint needs Authorization: Bearer <token>');
  if (role && !roleAtLeast(p.role, role)) {
    throw new ShieldwallError('FORBIDDEN', `role ${p.role} may not do this (needs ${role})`);
  }
  return p;
}

/**
 * The store scope for acting on `orgId`: the caller's own organisation, or — for an admin of the
 * authority organisation only — an audited authority scope.
 */
export function scopeFor(p: Principal, orgId: string, action: string): Scope {
  if (orgId === p.orgId) return orgScope(orgId);
  if (p.orgId === AUTHORITY_ORG_ID && p.role === 'admin') {
    return { kind: 'authority', actor: `token:${p.tokenId}`, reason: `${action} for ${orgId}`, orgId };
  }
  // Same answer as for a record that does not exist: never reveal other organisations' records.
  throw new ShieldwallError('NOT_FOUND', `organisation ${orgId} not found`);
}
