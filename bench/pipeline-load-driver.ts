/**
 * Load generator of the pipeline benchmark, run as its own process so it does not share an event
 * loop with the node. Reads the Security-Datasets events, gzips them into NDJSON batches BEFORE
 * the clock starts, then posts them through IngestClient with several requests in flight
 * (Idempotency-Key per batch, 429 Retry-After honoured).
 * Input (argv[2], JSON): {url, token, dataDir, limit, batch, concurrency, maxBytes, keyPrefix?}; the key prefix
 * makes a warm-up pass over the same events new events (other idempotency keys, so other ids).
 * Output: one JSON line {sent, accepted, rejected, batches, retries, refused, startedAt, endedAt}.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { IngestClient, batchKey } from '../src/ingest/client/ingest-client.js';
import { ndjsonGzFiles } from './ndjson-gz-files.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as { url: string; token: string; dataDir: string; limit: number; batch: number; concurrency: number; maxBytes: number; keyPrefix?: string };

const batches: { key: string; body: Buffer; count: number }[] = [];
let total = 0;
for (const file of ndjsonGzFiles(opts.dataDir)) {
  if (total >= opts.limit) break;
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.trim() !== '');
  let batch: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (batch.length === 0) return;
    const text = batch.join('\n');
    batches.push({ key: (opts.keyPrefix ?? '') + batchKey(file, batches.length, text), body: gzipSync(text, { level: 1 }), count: batch.length });
    batch = [];
    bytes = 0;
  };
  for (const line of lines) {
    if (total >= opts.limit) break;
    if (batch.length >= opts.batch || bytes + line.length > opts.maxBytes) flush();
    batch.push(line);
    bytes += Buffer.byteLength(line) + 1;
    total++;
  }
  flush();
}

const result = { sent: 0, accepted: 0, rejected: 0, batches: batches.length, retries: 0, refused: 0, startedAt: Date.now(), endedAt: 0 };
const seen = new Set<string>();
const client = new IngestClient({
  url: opts.url,
  token: opts.token,
  maxAttempts: 200,
  maxDelayMs: 2000,
  onRetry: (failed) => {
    if (!seen.has(failed.code)) process.stderr.write(`first retry for ${failed.status ?? 'network'} ${failed.code}: ${failed.message}\n`);
    seen.add(failed.code);
  },
});

async function post(b: (typeof batches)[number]): Promise<void> {
  const out = await client.sendGzipped(b.body, b.key);
  result.sent += b.count;
  if (!out.ok) {
    result.refused++;
    process.stderr.write(`batch refused after ${out.attempts} attempts: ${out.status ?? 'network'} ${out.code}: ${out.message}\n`);
    return;
  }
  result.accepted += out.accepted;
  result.rejected += out.rejected.length;
}

let next = 0;
result.startedAt = Date.now();
await Promise.all(
  Array.from({ length: opts.concurrency }, async () => {
    while (next < batches.length) await post(batches[next++]!);
  }),
);
result.endedAt = Date.now();
result.retries = client.retries;
process.stdout.write(JSON.stringify(result) + '\n');
