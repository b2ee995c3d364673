import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { AUTHORITY_ORG_ID, roleAtLeast, type Principal, type TokenVerifier } from '../../governance/index.js';
import { orgScope, type Role, type Scope } from '../../store/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Resolves `Authorization: Bearer <token>` on every request; routes then call `requirePrincipal`. */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { verifier: TokenVerifier }) => {
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (!header) return;
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new ShieldwallError('UNAUTHENTICATED', 'Authorization header must be "Bearer <token>"');
      const principal = await opts.verifier.verify(match[1]!);
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
