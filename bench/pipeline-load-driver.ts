/**
 * Load generator of the pipeline benchmark, run as its own process so it does not share an event
 * loop with the node. Reads the Security-Datasets events, gzips them into NDJSON batches BEFORE
 * the clock starts, then posts them with several requests in flight, honouring 429 Retry-After.
 * Input (argv[2], JSON): {url, token, dataDir, limit, batch, concurrency, maxBytes}.
 * Output: one JSON line {sent, accepted, rejected, batches, retries, refused, startedAt, endedAt}.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { batchKey, retryAfterMs } from '../src/ingest/client/ingest-client.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as { url: string; token: string; dataDir: string; limit: number; batch: number; concurrency: number; maxBytes: number };

function ndjsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => (d.isDirectory() ? ndjsonFiles(join(dir, d.name)) : d.name.endsWith('.ndjson.gz') ? [join(dir, d.name)] : []));
}

const batches: { key: string; body: Buffer; count: number }[] = [];
let total = 0;
for (const file of ndjsonFiles(opts.dataDir)) {
  if (total >= opts.limit) break;
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.trim() !== '');
  let batch: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (batch.length === 0) return;
    const text = batch.join('\n');
    batches.push({ key: batchKey(file, batches.length, text), body: gzipSync(text, { level: 1 }), count: batch.length });
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
const headers = { authorization: `Bearer ${opts.token}`, 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' };

const seen = new Set<number>();

async function post(b: (typeof batches)[number]): Promise<void> {
  for (let attempt = 1; attempt <= 200; attempt++) {
    try {
      const res = await fetch(`${opts.url}/api/v1/events`, { method: 'POST', body: b.body, headers: { ...headers, 'idempotency-key': b.key } });
      const answer = (await res.json()) as { accepted?: number; rejected?: unknown[]; error?: { code: string; message: string } };
      if (res.status === 202) {
        result.sent += b.count;
        result.accepted += answer.accepted ?? 0;
        result.rejected += answer.rejected?.length ?? 0;
        return;
      }
      if (res.status !== 429 && res.status !== 503) {
        process.stderr.write(`batch refused: ${res.status} ${answer.error?.code}: ${answer.error?.message}\n`);
        break;
      }
      result.retries++;
      if (!seen.has(res.status)) process.stderr.write(`first ${res.status}: ${answer.error?.code}: ${answer.error?.message}\n`);
      seen.add(res.status);
      await new Promise((r) => setTimeout(r, Math.min(retryAfterMs(res.headers.get('retry-after')) ?? 500, 2000)));
    } catch (err) {
      result.retries++;
      process.stderr.write(`batch attempt ${attempt} failed: ${(err as Error).message}\n`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  result.sent += b.count;
  result.refused++;
}

let next = 0;
result.startedAt = Date.now();
await Promise.all(
  Array.from({ length: opts.concurrency }, async () => {
    while (next < batches.length) await post(batches[next++]!);
  }),
);
result.endedAt = Date.now();
process.stdout.write(JSON.stringify(result) + '\n');
