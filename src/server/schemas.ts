import { Type, type TSchema } from 'typebox';

/** The catalog's error shape, declared once for every route's OpenAPI responses. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Record(Type.String(), Type.Unknown()),
    }),
  },
  { $id: 'ErrorBody' },
);

export const RoleSchema = Type.Union([
  Type.Literal('admin'),
  Type.Literal('analyst'),
  Type.Literal('responder'),
  Type.Literal('viewer'),
  Type.Literal('sensor'),
]);

export const Organisation = Type.Object({
  id: Type.String(),
  name: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Integer(),
});

export const TokenInfo = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  role: RoleSchema,
  name: Type.String(),
  createdAt: Type.Integer(),
  expiresAt: Type.Union([Type.Integer(), Type.Null()]),
  revokedAt: Type.Union([Type.Integer(), Type.Null()]),
});

export const AlertSchema = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  createdAt: Type.Integer(),
  time: Type.Integer(),
  ruleId: Type.String(),
  ruleTitle: Type.String(),
  level: Type.String(),
  author: Type.String(),
  eventId: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
});

export const EventSchema = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  time: Type.Integer(),
  receivedAt: Type.Integer(),
  source: Type.String(),
  product: Type.Union([Type.String(), Type.Null()]),
  category: Type.Union([Type.String(), Type.Null()]),
  service: Type.Union([Type.String(), Type.Null()]),
  message: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
});

/** `{items, next}` page of `item`. */
export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), next: Type.Union([Type.String(), Type.Null()]) });
}

/** Common query string of time-ordered listings. */
export const TimeRangeQuery = {
  org: Type.Optional(Type.String({ description: 'Organisation (default: the caller\'s)' })),
  from: Type.Optional(Type.Integer({ description: 'Earliest time, ms since epoch' })),
  to: Type.Optional(Type.Integer({ description: 'Latest time, ms since epoch' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cursor: Type.Optional(Type.String()),
};

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
};
