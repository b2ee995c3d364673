import { createGunzip } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ShieldwallError } from '../../errors/error-catalog.js';
import type { IngestService } from '../../ingest/pipeline/ingest-service.js';
import { requirePrincipal } from '../plugins/auth.js';
import { ErrorBody, errorResponses } from '../schemas.js';

const IngestAnswer = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), code: Type.String(), message: Type.String() })),
  ids: Type.Optional(Type.Array(Type.String())),
});

const lineTypes = ['application/x-ndjson', 'application/jsonl', 'application/json-seq', 'text/plain'];

/**
 * `POST /api/v1/events`: bulk ingest as NDJSON (one record per line: JSON objects, syslog or CEF
 * lines) or as a JSON array, optionally gzip-compressed. Answers 202 once every accepted event is
 * durably stored and queued, with a result for each rejected record; 429 with Retry-After when the
 * detection backlog is full. The bodyLimit applies to the decompressed size.
 */
export function eventIngestRoutes(deps: { ingest: IngestService; bodyLimit: number }) {
  return async (app: FastifyInstance) => {
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser(['application/json', ...lineTypes], { parseAs: 'buffer', bodyLimit: deps.bodyLimit }, (_req, body, done) => done(null, body));
    app.addHook('preParsing', async (request, _reply, payload) => {
      const encoding = request.headers['content-encoding'];
      if (!encoding || encoding === 'identity') return payload;
      if (encoding !== 'gzip') throw new ShieldwallError('UNSUPPORTED_MEDIA_TYPE', `content-encoding ${encoding} is not supported (use gzip)`);
      // Fastify compares the bytes received with Content-Length through `receivedEncodedLength`.
      const gunzip = Object.assign(createGunzip(), { receivedEncodedLength: 0 });
      payload.on('data', (chunk: Buffer) => (gunzip.receivedEncodedLength += chunk.length));
      gunzip.on('error', (err) => payload.emit('error', new ShieldwallError('BAD_REQUEST', `gzip body is corrupt: ${err.message}`)));
      return payload.pipe(gunzip);
    });

    app.post(
      '/api/v1/events',
      {
        bodyLimit: deps.bodyLimit,
        schema: {
          tags: ['ingest'],
          description: 'Bulk ingest: NDJSON (application/x-ndjson) or a JSON array (application/json), gzip accepted.',
          headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })) }),
          querystring: Type.Object({ ids: Type.Optional(Type.Boolean()) }),
          response: { 202: IngestAnswer, ...errorResponses, 413: ErrorBody, 415: ErrorBody, 429: ErrorBody },
        },
      },
      async (request, reply) => {
        const p = requirePrincipal(request, 'sensor');
        const body = request.body as Buffer | undefined;
        if (!body || body.length === 0) throw new ShieldwallError('BAD_REQUEST', 'request body is empty');
        const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const { records, errors } = type === 'application/json' ? splitJson(body) : splitLines(body);
        const key = request.headers['idempotency-key'];
        const result = await deps.ingest.submit(p.orgId, 'http', records, {
          ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
          recordErrors: errors,
        });
        const query = request.query as { ids?: boolean };
        return reply.status(202).send(query.ids ? result : { accepted: result.accepted, rejected: result.rejected });
      },
    );
  };
}

// `records` is sparse: a record keeps its index in the submission (forEach skips the holes left by
// rejected elements and blank lines), so per-record results name the caller's own positions.
type Split = { records: (string | Record<string, unknown>)[]; errors: { index: number; code: string; message: string }[] };

/** A JSON body: an array of records, or one record. Invalid JSON rejects the whole body. */
function splitJson(body: Buffer): Split {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ShieldwallError('INVALID_JSON', `request body is not valid JSON: ${(err as Error).message}`);
  }
  const items = Array.isArray(value) ? value : [value];
  const split: Split = { records: [], errors: [] };
  items.forEach((item, index) => {
    if (item && typeof item === 'object' && !Array.isArray(item)) split.records[index] = item as Record<string, unknown>;
    else if (typeof item === 'string') split.records[index] = item;
    else split.errors.push({ index, code: 'NOT_A_RECORD', message: `element ${index} is ${item === null ? 'null' : Array.isArray(item) ? 'an array' : typeof item}, expected an object or a string` });
  });
  return split;
}

/** NDJSON / line text: one record per non-empty line; indexes count every line. */
function splitLines(body: Buffer): Split {
  const text = body.toString('utf8');
  const split: Split = { records: [], errors: [] };
  let index = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (trimmed.trim() !== '') split.records[index] = trimmed;
    index++;
  }
  return split;
}
