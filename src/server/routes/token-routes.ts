import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { issueApiToken, type TokenVerifier } from '../../governance/index.js';
import type { Role, Store } from '../../store/index.js';
import type { Clock } from '../../shared/clock.js';
import { requirePrincipal, scopeFor } from '../plugins/auth.js';
import { RoleSchema, TokenInfo, errorResponses } from '../schemas.js';

function publicToken<T extends { secretHash?: string }>(t: T): Omit<T, 'secretHash'> {
  const { secretHash: _hidden, ...rest } = t;
  return rest;
}

/** API tokens of an organisation: admins create, list and revoke them. Secrets are shown once. */
export function tokenRoutes(deps: { store: Store; clock: Clock; verifier: TokenVerifier }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/tokens',
      {
        schema: {
          tags: ['governance'],
          querystring: Type.Object({ org: Type.Optional(Type.String()) }),
          response: { 200: Type.Object({ items: Type.Array(TokenInfo) }), ...errorResponses },
        },
      },
      async (request) => {
        const p = requirePrincipal(request, 'admin');
        const orgId = request.query.org ?? p.orgId;
        const tokens = await deps.store.scoped(scopeFor(p, orgId, 'list tokens')).tokens.list();
        return { items: tokens.filter((t) => t.orgId === orgId).map(publicToken) };
      },
    );
    app.post(
      '/api/v1/tokens',
      {
        schema: {
          tags: ['governance'],
          body: Type.Object(
            {
              org: Type.Optional(Type.String()),
              role: RoleSchema,
              name: Type.Optional(Type.String({ maxLength: 200 })),
              expiresAt: Type.Optional(Type.Integer()),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ token: Type.String(), info: TokenInfo }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const p = requirePrincipal(request, 'admin');
        const orgId = request.body.org ?? p.orgId;
        const scoped = deps.store.scoped(scopeFor(p, orgId, 'create token'));
        if (!(await scoped.organisations.get(orgId))) throw new ShieldwallError('NOT_FOUND', `organisation ${orgId} not found`);
        const { token, record } = await issueApiToken(scoped, {
          orgId,
          role: request.body.role as Role,
          name: request.body.name,
          expiresAt: request.body.expiresAt ?? null,
          now: deps.clock.now(),
        });
        await scoped.audit.append({
          actor: `token:${p.tokenId}`, action: 'token.create', target: record.id, at: deps.clock.now(), details: { orgId, role: record.role },
        });
        return reply.status(201).send({ token, info: publicToken(record) });
      },
    );
    app.delete(
      '/api/v1/tokens/:id',
      {
        schema: {
          tags: ['governance'],
          params: Type.Object({ id: Type.String() }),
          querystring: Type.Object({ org: Type.Optional(Type.String()) }),
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const p = requirePrincipal(request, 'admin');
        const orgId = request.query.org ?? p.orgId;
        const scoped = deps.store.scoped(scopeFor(p, orgId, 'revoke token'));
        if (!(await scoped.tokens.revoke(request.params.id, deps.clock.now()))) {
          throw new ShieldwallError('NOT_FOUND', `token ${request.params.id} not found`);
        }
        deps.verifier.clear();
        await scoped.audit.append({ actor: `token:${p.tokenId}`, action: 'token.revoke', target: request.params.id, at: deps.clock.now() });
        return reply.status(204).send(null);
      },
    );
  };
}
