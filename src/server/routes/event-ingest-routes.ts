import { createGunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ShieldwallError } from '../../errors/error-catalog.js';
import type { Principal } from '../../governance/index.js';
import { SourceLogLimiter, sample, type InputLogger } from '../../ingest/inputs/index.js';
import { invalidUtf8Offset } from '../../ingest/parsers/index.js';
import type { IngestResult, IngestService } from '../../ingest/pipeline/ingest-service.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { requirePrincipal } from '../plugins/auth.js';
import { ErrorBody, errorResponses } from '../schemas.js';

const IngestAnswer = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), code: Type.String(), message: Type.String() })),
  ids: Type.Optional(Type.Array(Type.String())),
});

const lineTypes = ['application/x-ndjson', 'application/jsonl', 'application/json-seq', 'text/plain'];

/** What {@link eventIngestRoutes} needs. */
export interface EventIngestRoutesDeps {
  ingest: IngestService;
  bodyLimit: number;
  /** Largest line of a line body (`ingest.maxLineBytes`, default 65,536); longer ones are FRAME_TOO_LARGE. */
  maxLineBytes?: number;
  /** Where rejected records are logged; default: the request's logger. */
  logger?: InputLogger;
  /** For the log rate limit (default: the system clock). */
  clock?: Clock;
}

/**
 * `POST /api/v1/events`: bulk ingest as NDJSON (one record per line: JSON objects, syslog or CEF
 * lines) or as a JSON array, optionally gzip-compressed. Answers 202 once every accepted event is
 * durably stored and queued, with a result for each rejected record; 429 with Retry-After when the
 * detection backlog is full. The bodyLimit applies to the decompressed size.
 *
 * In a line body, a line that is not valid UTF-8 (`UTF8_INVALID`) or longer than `maxLineBytes`
 * (`FRAME_TOO_LARGE`) is rejected alone, by its line index; the other lines are ingested. A JSON
 * body that is not valid UTF-8 is refused whole (400 INVALID_JSON), like any other invalid JSON.
 * Rejected records are logged at most once a minute per caller (token and remote address), with
 * a sample.
 */
export function eventIngestRoutes(deps: EventIngestRoutesDeps) {
  const maxLineBytes = deps.maxLineBytes ?? 65_536;
  const logLimiter = new SourceLogLimiter(deps.clock ?? systemClock);
  return async (app: FastifyInstance) => {
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser(['application/json', ...lineTypes], { parseAs: 'buffer', bodyLimit: deps.bodyLimit }, (_req, body, done) => done(null, body));
    app.addHook('preParsing', async (request, _reply, payload) => {
      const encoding = request.headers['content-encoding'];
      if (!encoding || encoding === 'identity') return payload;
      if (encoding !== 'gzip') throw new ShieldwallError('UNSUPPORTED_MEDIA_TYPE', `content-encoding ${encoding} is not supported (use gzip)`);
      // Fastify compares the bytes received with Content-Length through `receivedEncodedLength`.
      // 1 MiB output chunks: with zlib's 16 KiB, an 8 MB body took 500 round trips between the
      // zlib thread and the event loop, each waiting behind whatever the loop was doing (a batch
      // insert): under load, bodies took up to 3 s to arrive and the workers sat idle.
      const gunzip = Object.assign(createGunzip({ chunkSize: 1 << 20 }), { receivedEncodedLength: 0 });
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
        const json = type === 'application/json';
        const key = request.headers['idempotency-key'];
        const keyed = typeof key === 'string' ? { idempotencyKey: key } : {};
        let result: IngestResult;
        if (json) {
          const { records, errors } = splitJsonLogged(request, p, body);
          result = await deps.ingest.submit(p.orgId, 'http', records, { ...keyed, recordErrors: errors });
          if (result.rejected.length > 0) logRejected(request, p, result, records[result.rejected[0]!.index]);
        } else {
          // The body is split (and checked) where its lines are parsed, on a detection thread: it
          // is transferred there and unusable here afterwards; the result keeps a reject's sample.
          result = await deps.ingest.submitLines(p.orgId, 'http', body, maxLineBytes, keyed);
          if (result.rejected.length > 0) logRejected(request, p, result, result.rejectedSample);
        }
        const query = request.query as { ids?: boolean };
        return reply.status(202).send(query.ids ? { accepted: result.accepted, rejected: result.rejected, ids: result.ids } : { accepted: result.accepted, rejected: result.rejected });
      },
    );

    /** Logs a submission's rejects once a minute per caller, as the syslog inputs do per sender. */
    function logRejected(request: FastifyRequest, p: Principal, result: IngestResult, record: string | Uint8Array | Record<string, unknown> | undefined): void {
      const first = result.rejected[0]!;
      const text = record === undefined || typeof record === 'string' || record instanceof Uint8Array ? record : JSON.stringify(record);
      logOnce(request, p, { accepted: result.accepted, rejected: result.rejected.length, index: first.index, code: first.code, error: first.message, sample: sample(text) }, 'ingest records rejected');
    }

    /** splitJson, logging a body refused whole (400) under the same once-a-minute-per-caller rule. */
    function splitJsonLogged(request: FastifyRequest, p: Principal, body: Buffer): Split {
      try {
        return splitJson(body);
      } catch (err) {
        const code = err instanceof ShieldwallError ? err.code : 'INTERNAL';
        logOnce(request, p, { code, error: (err as Error).message, bytes: body.length, sample: sample(body) }, 'ingest body refused');
        throw err;
      }
    }

    function logOnce(request: FastifyRequest, p: Principal, fields: Record<string, unknown>, msg: string): void {
      const admitted = logLimiter.admit(`${p.orgId}/${p.tokenId}@${request.ip}`);
      if (!admitted) return;
      (deps.logger ?? request.log).warn({ input: 'http', org: p.orgId, token: p.tokenId, remote: request.ip, ...fields, suppressedSinceLast: admitted.suppressed }, msg);
    }
  };
}

// `fatal`: invalid UTF-8 throws instead of silently becoming U+FFFD, in the pass that decodes.
const utf8 = new TextDecoder('utf-8', { fatal: true });

// `records` is sparse: a record keeps its index in the submission (forEach skips the holes left by
// rejected elements and blank lines), so per-record results name the caller's own positions.
type Split = { records: (string | Record<string, unknown>)[]; errors: { index: number; code: string; message: string }[] };

/**
 * A JSON body: an array of records, or one record. Invalid JSON rejects the whole body, and so does
 * invalid UTF-8 (RFC 8259: JSON text exchanged between systems is UTF-8), since which record holds
 * the bad bytes is unknown until the body parses.
 */
function splitJson(body: Buffer): Split {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    const offset = invalidUtf8Offset(body);
    let line = 1;
    for (let lf = body.indexOf(0x0a); lf >= 0 && lf < offset; lf = body.indexOf(0x0a, lf + 1)) line++;
    throw new ShieldwallError('INVALID_JSON', `request body is not valid UTF-8 (byte ${offset}, line ${line}); JSON must be UTF-8`, { offset, line });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
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
