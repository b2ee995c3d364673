import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { buildSimpleIndicator, indicatorValueTypes, tlpLevels, type IntelService } from '../../intel/index.js';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import type { RoutePlugin } from '../build-server.js';
import { requirePrincipal, scopeFor } from '../plugins/auth.js';
import { errorResponses } from '../schemas.js';

const ValueType = Type.Union(indicatorValueTypes.map((t) => Type.Literal(t)));
const Tlp = Type.Union(tlpLevels.map((t) => Type.Literal(t)));
/** Objects are checked one by one against the STIX schemas by the service, so one bad object never fails the request. */
const AnyObject = Type.Record(Type.String(), Type.Unknown());

const SimpleIndicator = Type.Object(
  {
    type: ValueType,
    value: Type.String({ minLength: 1, maxLength: 8192 }),
    name: Type.Optional(Type.String({ maxLength: 1024 })),
    description: Type.Optional(Type.String({ maxLength: 16384 })),
    indicatorTypes: Type.Optional(Type.Array(Type.String(), { maxItems: 20 })),
    validFrom: Type.Optional(Type.String({ description: 'RFC 3339 UTC timestamp; default now' })),
    validUntil: Type.Optional(Type.String({ description: 'RFC 3339 UTC timestamp' })),
    tlp: Type.Optional(Tlp),
  },
  { additionalProperties: false, description: 'Convenience form: one value, built into a valid STIX 2.1 indicator' },
);
const Bundle = Type.Object({ type: Type.Literal('bundle'), id: Type.String(), objects: Type.Array(AnyObject) }, { description: 'A STIX 2.1 bundle' });
const PostBody = Type.Union([Bundle, Type.Array(AnyObject, { description: 'STIX objects' }), SimpleIndicator]);

const IndicatorValue = Type.Object({ type: Type.String(), value: Type.String() });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const IndicatorItem = Type.Object({
  id: Type.String(),
  producer: Type.String({ description: 'Organisation that produced the indicator' }),
  name: NullableString,
  pattern: Type.String(),
  patternType: Type.String(),
  validFrom: NullableString,
  validUntil: NullableString,
  modified: NullableString,
  revoked: Type.Boolean(),
  tlp: NullableString,
  values: Type.Array(IndicatorValue),
  object: AnyObject,
});
const ImportResult = Type.Object({
  accepted: Type.Array(
    Type.Object({
      index: Type.Integer(),
      id: Type.String(),
      modified: NullableString,
      outcome: Type.Union([Type.Literal('new'), Type.Literal('newer'), Type.Literal('duplicate'), Type.Literal('older')]),
    }),
  ),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), id: NullableString, property: NullableString, reason: Type.String() })),
});

export interface IndicatorRoutesDeps {
  intel: IntelService;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * `GET /api/v1/indicators` (search by value and type, paged), `POST /api/v1/indicators` (a STIX
 * bundle, an array of STIX objects, or one value in the convenience form; per-object results) and
 * `POST /api/v1/indicators/:id/confirm` (an analyst confirms: early warning). Reads show the
 * caller's own indicators and those the TLP policy releases to it; nothing else exists for it.
 */
export function indicatorRoutes(deps: IndicatorRoutesDeps): RoutePlugin {
  return async (untyped) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/api/v1/indicators',
      {
        schema: {
          tags: ['intel'],
          querystring: Type.Object({
            org: Type.Optional(Type.String({ description: "Organisation (default: the caller's)" })),
            value: Type.Optional(Type.String({ minLength: 1, description: 'Exact value: IP, CIDR, domain, URL, hash, e-mail address, user agent' })),
            type: Type.Optional(ValueType),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
            cursor: Type.Optional(Type.String()),
          }),
          response: { 200: Type.Object({ items: Type.Array(IndicatorItem), next: NullableString }), ...errorResponses },
        },
      },
      async (request) => {
        const p = requirePrincipal(request, 'viewer');
        const q = request.query;
        const scope = scopeFor(p, q.org ?? p.orgId, 'search indicators');
        return deps.intel.searchIndicators(scope, { value: q.value, type: q.type, limit: q.limit, cursor: q.cursor });
      },
    );

    app.post(
      '/api/v1/indicators',
      {
        schema: {
          tags: ['intel'],
          querystring: Type.Object({ org: Type.Optional(Type.String()) }),
          body: PostBody,
          response: { 200: ImportResult, ...errorResponses },
        },
      },
      async (request) => {
        const p = requirePrincipal(request, 'analyst');
        const orgId = request.query.org ?? p.orgId;
        const scope = scopeFor(p, orgId, 'import indicators');
        const body = request.body;
        const objects = Array.isArray(body)
          ? body
          : 'objects' in body
            ? body.objects
            : [simpleIndicator(body as Static<typeof SimpleIndicator>, orgId, deps)];
        return deps.intel.importObjects(scope, objects, { source: 'api', actor: `token:${p.tokenId}` });
      },
    );

    app.post(
      '/api/v1/indicators/:id/confirm',
      {
        schema: {
          tags: ['intel'],
          params: Type.Object({ id: Type.String() }),
          querystring: Type.Object({ org: Type.Optional(Type.String()) }),
          response: {
            200: Type.Object({ id: Type.String(), producer: Type.String(), confirmedAt: Type.Integer(), published: Type.Boolean() }),
            ...errorResponses,
            409: errorResponses[400],
          },
        },
      },
      async (request) => {
        const p = requirePrincipal(request, 'analyst');
        const scope = scopeFor(p, request.query.org ?? p.orgId, 'confirm indicator');
        return deps.intel.confirmIndicator(scope, request.params.id, `token:${p.tokenId}`);
      },
    );
  };
}

function simpleIndicator(form: Static<typeof SimpleIndicator>, orgId: string, deps: IndicatorRoutesDeps): Record<string, unknown> {
  try {
    return buildSimpleIndicator({ ...form, orgId }, deps) as unknown as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ShieldwallError) throw err;
    throw new ShieldwallError('VALIDATION_FAILED', `body: ${(err as Error).message}`, { where: 'body' });
  }
}
