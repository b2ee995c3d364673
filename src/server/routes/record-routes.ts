import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ShieldwallError } from '../../errors/error-catalog.js';
import type { Store } from '../../store/index.js';
import { requirePrincipal, scopeFor } from '../plugins/auth.js';
import { AlertSchema, EventSchema, PageOf, TimeRangeQuery, errorResponses } from '../schemas.js';

const OrgQuery = Type.Object({ org: Type.Optional(Type.String()) });
const IdParams = Type.Object({ id: Type.String() });

/**
 * Reading alerts, events and the audit trail. Every read goes through the caller's scope, so a record
 * of another organisation answers exactly like a record that does not exist (404), never 403.
 */
export function recordRoutes(deps: { store: Store }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/alerts',
      {
        schema: {
          tags: ['detection'],
          querystring: Type.Object({ ...TimeRangeQuery, rule: Type.Optional(Type.String()), level: Type.Optional(Type.String()) }),
          response: { 200: PageOf(AlertSchema), ...errorResponses },
        },
      },
      async (request) => {
        const p = requirePrincipal(request, 'viewer');
        const q = request.query;
        const scoped = deps.store.scoped(scopeFor(p, q.org ?? p.orgId, 'read alerts'));
        return scoped.alerts.query({ from: q.from, to: q.to, limit: q.limit, cursor: q.cursor, ruleId: q.rule, level: q.level });
      },
    );
    app.get(
      '/api/v1/alerts/:id',
      { schema: { tags: ['detection'], params: IdParams, querystring: OrgQuery, response: { 200: AlertSchema, ...errorResponses } } },
      async (request) => {
        const p = requirePrincipal(request, 'viewer');
        const scoped = deps.store.scoped(scopeFor(p, request.query.org ?? p.orgId, 'read alert'));
        const alert = await scoped.alerts.get(request.params.id);
        if (!alert) throw new ShieldwallError('NOT_FOUND', `alert ${request.params.id} not found`);
        return alert;
      },
    );
    app.get(
      '/api/v1/events',
      {
        schema: {
          tags: ['ingest'],
          querystring: Type.Object({
            ...TimeRangeQuery,
            q: Type.Optional(Type.String({ description: 'Case-insensitive text search in the message' })),
            source: Type.Optional(Type.String()),
            product: Type.Optional(Type.String()),
            category: Type.Optional(Type.String()),
          }),
          response: { 200: PageOf(EventSchema), ...errorResponses },
        },
      },
      async (request) => {
        const p = requirePrincipal(request, 'viewer');
        const q = request.query;
        const scoped = deps.store.scoped(scopeFor(p, q.org ?? p.orgId, 'read events'));
        return scoped.events.query({
          from: q.from, to: q.to, limit: q.limit, cursor: q.cursor, text: q.q, source: q.source, product: q.product, category: q.category,
        });
      },
    );
    app.get(
      '/api/v1/events/:id',
      { schema: { tags: ['ingest'], params: IdParams, querystring: OrgQuery, response: { 200: EventSchema, ...errorResponses } } },
      async (request) => {
        const p = requirePrincipal(request, 'viewer');
        const scoped = deps.store.scoped(scopeFor(p, request.query.org ?? p.orgId, 'read event'));
        const event = await scoped.events.get(request.params.id);
        if (!event) throw new ShieldwallError('NOT_FOUND', `event ${request.params.id} not found`);
        return event;
      },
    );
    app.get(
      '/api/v1/audit',
      {
        schema: {
          tags: ['governance'],
          querystring: Type.Object({
            org: Type.Optional(Type.String()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
            after: Type.Optional(Type.Integer({ minimum: 0 })),
          }),
          response: {
            200: Type.Object({ items: Type.Array(Type.Record(Type.String(), Type.Unknown())), intact: Type.Boolean(), brokenAt: Type.Union([Type.Integer(), Type.Null()]) }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const p = requirePrincipal(request, 'admin');
        const scoped = deps.store.scoped(scopeFor(p, request.query.org ?? p.orgId, 'read audit'));
        const items = await scoped.audit.list({ limit: request.query.limit, afterSeq: request.query.after });
        const brokenAt = await scoped.audit.verify();
        return { items: items as unknown as Record<string, unknown>[], intact: brokenAt === null, brokenAt };
      },
    );
  };
}
