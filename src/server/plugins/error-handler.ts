import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ShieldwallError, isShieldwallError, type ErrorCode } from '../../errors/error-catalog.js';

/** Fastify's own error codes mapped to the catalog, so every error leaves in one shape. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

/** Converts any thrown value into a ShieldwallError with a stable code. */
export function toShieldwallError(err: FastifyError | Error): ShieldwallError {
  if (isShieldwallError(err)) return err;
  const fe = err as FastifyError & { validation?: { instancePath?: string; message?: string; params?: unknown }[] };
  if (fe.validation) {
    const first = fe.validation[0];
    const where = first?.instancePath ? first.instancePath : (fe.validationContext ?? 'request');
    return new ShieldwallError('VALIDATION_FAILED', `${fe.validationContext ?? 'request'}${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}`, {
      where,
      errors: fe.validation.slice(0, 10).map((v) => ({ path: v.instancePath ?? '', message: v.message ?? '' })),
    });
  }
  if (err instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new ShieldwallError('INVALID_JSON', `request body is not valid JSON: ${err.message}`);
  }
  const mapped = fe.code ? fastifyCodes[fe.code] : undefined;
  if (mapped) return new ShieldwallError(mapped, err.message);
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const byStatus: Record<number, ErrorCode> = {
      400: 'BAD_REQUEST', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED',
      406: 'NOT_ACCEPTABLE', 409: 'CONFLICT', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED',
    };
    return new ShieldwallError(byStatus[fe.statusCode] ?? 'BAD_REQUEST', err.message);
  }
  return new ShieldwallError('INTERNAL', 'internal error', {}, { cause: err });
}

/**
 * Answers every error as `{error: {code, message, details}}`. Callers' mistakes are logged at info,
 * technical faults at error with the cause; internal details never reach the caller.
 */
export const errorHandler = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const e = toShieldwallError(err);
      if (e.genre === 'technical') request.log.error({ err: e.cause ?? err, code: e.code }, e.message);
      else request.log.info({ code: e.code }, e.message);
      const retryAfter = e.details.retryAfterSeconds;
      if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
      void reply.status(e.status).send(e.toJSON());
    });
    app.setNotFoundHandler((request, reply) => {
      const e = new ShieldwallError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
      void reply.status(404).send(e.toJSON());
    });
  },
  { name: 'shieldwall-error-handler' },
);
