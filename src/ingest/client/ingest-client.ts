import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** A record the node refused, by its 0-based index in the batch. */
export interface RejectedRecord {
  index: number;
  code: string;
  message: string;
}

/** The outcome of one batch after every retry. */
export type BatchOutcome =
  | { ok: true; accepted: number; rejected: RejectedRecord[]; attempts: number }
  | { ok: false; status: number | null; code: string; message: string; attempts: number };

export interface IngestClientOptions {
  /** Base URL of the node, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** API token (role `sensor` or above). */
  token?: string;
  /** Attempts per batch, the first included (default 6). */
  maxAttempts?: number;
  /** Longest wait between attempts, whatever Retry-After says (default 30 s). */
  maxDelayMs?: number;
  /** First back-off when the node gives no Retry-After (doubles each attempt; default 250 ms). */
  baseDelayMs?: number;
  /** Per-request timeout (default 120 s). */
  timeoutMs?: number;
  /** Injected for tests; default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for tests; default global fetch. */
  fetch?: typeof fetch;
  /** Told of every attempt that will be retried (e.g. to log why the node pushed back). */
  onRetry?: (failed: Extract<BatchOutcome, { ok: false }>) => void;
}

/** Statuses after which the same batch may succeed later: overload, drain, gateway trouble. */
const RETRYABLE = new Set([429, 502, 503, 504]);

/**
 * Derives the Idempotency-Key of a batch from where it comes from and what it holds, so a resend of
 * the same batch (after a timeout, a 429 or a restart of the sender) is stored once by the node.
 * @example batchKey('logs.ndjson.gz', 3, body) // 'sw1-…' (36 hex digits)
 */
export function batchKey(file: string, batchIndex: number, body: string): string {
  const content = createHash('sha256').update(body).digest('hex');
  return `sw1-${createHash('sha256').update(`${file}\0${batchIndex}\0${content}`).digest('hex').slice(0, 36)}`;
}

/**
 * Sends event batches to a node's `POST /api/v1/events` as gzip NDJSON. Network errors and
 * 429/502/503/504 are retried with the same Idempotency-Key, waiting as long as Retry-After says
 * (bounded by `maxDelayMs`) or backing off exponentially; other refusals are final.
 */
export class IngestClient {
  private readonly endpoint: string;
  private readonly maxAttempts: number;
  private readonly maxDelayMs: number;
  private readonly baseDelayMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetch: typeof fetch;
  /** Attempts that were retried, all batches together (429s, 503s and network errors). */
  retries = 0;

  constructor(private readonly opts: IngestClientOptions) {
    this.endpoint = `${opts.url.replace(/\/+$/, '')}/api/v1/events`;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 6);
    this.maxDelayMs = opts.maxDelayMs ?? 30_000;
    this.baseDelayMs = opts.baseDelayMs ?? 250;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.fetch = opts.fetch ?? fetch;
  }

  /**
   * Sends one batch: `lines` are NDJSON lines (JSON objects, syslog or CEF text), without newlines.
   * Never throws: a final refusal comes back as `{ok: false}` with the node's error code.
   */
  async send(lines: readonly string[], idempotencyKey: string): Promise<BatchOutcome> {
    return this.sendGzipped(await gzipAsync(lines.join('\n')), idempotencyKey);
  }

  /** Sends one batch already gzip-compressed as NDJSON (a load generator prepares them ahead). */
  async sendGzipped(body: Uint8Array, idempotencyKey: string): Promise<BatchOutcome> {
    const headers: Record<string, string> = {
      'content-type': 'application/x-ndjson',
      'content-encoding': 'gzip',
      'idempotency-key': idempotencyKey,
    };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    let last: Extract<BatchOutcome, { ok: false }> = { ok: false, status: null, code: 'NOT_SENT', message: 'not sent', attempts: 0 };
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      let waitMs = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
      try {
        const res = await this.fetch(this.endpoint, { method: 'POST', body, headers, signal: AbortSignal.timeout(this.timeoutMs) });
        const text = await res.text();
        if (res.status === 202) {
          const answer = parseJson(text) as { accepted?: number; rejected?: RejectedRecord[] } | undefined;
          return { ok: true, accepted: answer?.accepted ?? 0, rejected: answer?.rejected ?? [], attempts: attempt };
        }
        const err = (parseJson(text) as { error?: { code?: string; message?: string } } | undefined)?.error;
        last = { ok: false, status: res.status, code: err?.code ?? `HTTP_${res.status}`, message: err?.message ?? text.slice(0, 200), attempts: attempt };
        if (!RETRYABLE.has(res.status)) return last;
        const retryAfter = retryAfterMs(res.headers.get('retry-after'));
        if (retryAfter !== undefined) waitMs = Math.min(this.maxDelayMs, retryAfter);
      } catch (err) {
        // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, bad port…) is its cause.
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        const message = cause?.message ? `${(err as Error).message}: ${cause.message}` : (err as Error).message;
        last = { ok: false, status: null, code: cause?.code ?? (err as Error).name, message, attempts: attempt };
      }
      if (attempt < this.maxAttempts) {
        this.retries++;
        this.opts.onRetry?.(last);
        await this.sleep(waitMs);
      }
    }
    return last;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Retry-After in delta-seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
