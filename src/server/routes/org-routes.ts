import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { AUTHORITY_ORG_ID } from '../../governance/index.js';
import { orgScope, type Store } from '../../store/index.js';
import type { Clock } from '../../shared/clock.js';
import { requirePrincipal } from '../plugins/auth.js';
import { Organisation, errorResponses } from '../schemas.js';

/** Organisations: members see their own; the authority's admins create and list all (audited). */
export function orgRoutes(deps: { store: Store; clock: Clock }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/orgs',
      { schema: { tags: ['governance'], response: { 200: Type.Object({ items: Type.Array(Organisation) }), ...errorResponses } } },
      async (request) => {
        const p = requirePrincipal(request, 'viewer');
        const scope =
          p.orgId === AUTHORITY_ORG_ID && p.role === 'admin'
            ? { kind: 'authority' as const, actor: `token:${p.tokenId}`, reason: 'list organisations' }
            : orgScope(p.orgId);
        return { items: await deps.store.scoped(scope).organisations.list() };
      },
    );
    app.post(
      '/api/v1/orgs',
      {
        schema: {
          tags: ['governance'],
          body: Type.Object({
            id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })),
            name: Type.String({ minLength: 1, maxLength: 200 }),
            parentId: Type.Optional(Type.String()),
          }, { additionalProperties: false }),
          response: { 201: Organisation, ...errorResponses, 409: errorResponses[400] },
        },
      },
      async (request, reply) => {
        const p = requirePrincipal(request, 'admin');
        if (p.orgId !== AUTHORITY_ORG_ID) {
          throw new ShieldwallError('FORBIDDEN', 'only admins of the authority organisation create organisations');
        }
        const scoped = deps.store.scoped({ kind: 'authority', actor: `token:${p.tokenId}`, reason: 'create organisation' });
        if (request.body.id && (await scoped.organisations.get(request.body.id))) {
          throw new ShieldwallError('CONFLICT', `organisation ${request.body.id} already exists`);
        }
        const org = await scoped.organisations.create({
          id: request.body.id,
          name: request.body.name,
          parentId: request.body.parentId ?? null,
        });
        await deps.store.scoped(orgScope(org.id)).audit.append({
          actor: `token:${p.tokenId}`, action: 'org.create', target: org.id, at: deps.clock.now(), details: { name: org.name },
        });
        return reply.status(201).send(org);
      },
    );
  };
}
