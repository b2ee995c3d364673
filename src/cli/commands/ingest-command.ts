import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Option, type Command } from 'commander';
import { readEventBatches } from '../../hunt/index.js';
import { IngestClient, batchKey, type BatchOutcome } from '../../ingest/client/ingest-client.js';
import { stdinRecords } from '../../ingest/client/stdin-records.js';
import { CliExit } from '../cli-exit.js';
import { parseFormat, printData, renderTable } from '../output.js';

interface IngestCliOptions {
  to: string;
  token?: string;
  batch: number;
  concurrency: number;
  format: string;
}

/** A batch is also cut at this size: the node's default body limit (10 MiB) applies after gunzip. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

/** What one `shieldwall ingest` run did, as printed in the summary. */
export interface IngestSummary {
  files: number;
  filesFailed: number;
  events: number;
  accepted: number;
  rejected: Record<string, number>;
  malformed: number;
  batches: number;
  batchesRefused: number;
  retries: number;
  elapsedMs: number;
  eventsPerSec: number;
}

/** `shieldwall ingest`: sends event files (or stdin) to a running node over HTTP bulk ingest. */
export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('send events (.json, .ndjson/.jsonl, .gz, .zip, .evtx, or - for stdin: NDJSON, syslog/CEF lines or a JSON array, gzip or not) to a running node')
    .argument('<files...>', 'event files, or - for stdin')
    .addOption(new Option('--to <url>', 'node URL').env('SHIELDWALL_URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--token <token>', 'API token (role sensor or above)').env('SHIELDWALL_TOKEN'))
    .addOption(new Option('--batch <n>', 'events per request').argParser(intOption('--batch', 1, 100_000)).default(1000))
    .addOption(new Option('--concurrency <n>', 'requests in flight').argParser(intOption('--concurrency', 1, 64)).default(2))
    .option('--format <format>', 'summary: table or json', 'table')
    .action(async (files: string[], opts: IngestCliOptions) => {
      const format = parseFormat(opts.format, ['table', 'json'] as const);
      if (!/^https?:\/\/[^/]+/.test(opts.to)) throw new CliExit(2, `--to must be an http(s) URL (got ${JSON.stringify(opts.to)})`);
      if (files.filter((f) => f === '-').length > 1) throw new CliExit(2, 'stdin (-) may be given once');
      const client = new IngestClient({ url: opts.to, ...(opts.token ? { token: opts.token } : {}) });
      const summary = await ingestFiles(files, client, opts.batch, opts.concurrency);
      if (format === 'json') printData({ ...summary }, 'json');
      else process.stdout.write(summaryTable(summary));
      if (summary.filesFailed > 0 || summary.batchesRefused > 0) process.exitCode = 1;
    });
}

function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new CliExit(2, `${name} must be an integer ${min}..${max} (got ${JSON.stringify(value)})`);
    return n;
  };
}

/** Reads every input in turn and sends its events in batches, `concurrency` requests at a time. */
async function ingestFiles(files: string[], client: IngestClient, batchSize: number, concurrency: number): Promise<IngestSummary> {
  const started = performance.now();
  const s: IngestSummary = { files: files.length, filesFailed: 0, events: 0, accepted: 0, rejected: {}, malformed: 0, batches: 0, batchesRefused: 0, retries: 0, elapsedMs: 0, eventsPerSec: 0 };
  const sizes = await Promise.all(files.map((f) => (f === '-' ? 0 : stat(f).then((i) => i.size, () => 0))));
  const total = sizes.reduce((a, b) => a + b, 0);
  const bar = process.stderr.isTTY && total > 0
    ? new SingleBar({ stream: process.stderr, format: 'ingesting [{bar}] {percentage}% | {value}/{total} bytes | {events} events', hideCursor: true })
    : undefined;
  bar?.start(total, 0, { events: 0 });
  // On a terminal the bar owns the last line: clear it before a message, the next update redraws it.
  const say = (line: string) => process.stderr.write(`${bar ? '\r\x1b[K' : ''}${line}\n`);
  let read = 0;
  const inFlight = new Set<Promise<void>>();

  for (const file of files) {
    const label = file === '-' ? 'stdin' : resolve(file);
    let failed = false;
    let batchIndex = 0;
    let lines: string[] = [];
    let bytes = 0;
    const add = async (line: string) => {
      if (lines.length >= batchSize || (bytes + line.length > MAX_BATCH_BYTES && lines.length > 0)) await flush();
      lines.push(line);
      bytes += Buffer.byteLength(line) + 1;
    };
    const flush = async () => {
      if (lines.length === 0) return;
      const batch = lines;
      const index = batchIndex++;
      lines = [];
      bytes = 0;
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      const p = client.send(batch, batchKey(label, index, batch.join('\n'))).then((out) => {
        if (!account(s, batch.length, out)) {
          failed = true;
          say(`shieldwall: ${file} batch ${index} (${batch.length} events) refused: ${out.ok ? '' : `${out.code}: ${out.message}`}`);
        }
        bar?.update(read, { events: s.events });
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    };
    try {
      if (file === '-') {
        const onMalformed = (m: { line: number; message: string }) => {
          if (s.malformed++ < 5) say(`malformed event: stdin line ${m.line}: ${m.message}`);
        };
        for await (const record of stdinRecords(process.stdin, onMalformed)) await add(record);
      } else {
        const onBytes = (n: number) => void (read += n);
        for await (const chunk of readEventBatches(file, { onBytes, label: file })) {
          s.malformed += chunk.malformed.length;
          for (const m of chunk.malformed.slice(0, 5)) say(`malformed event: ${m.file}${m.line ? ` line ${m.line}` : ''}: ${m.message}`);
          for (const e of chunk.events) await add(JSON.stringify(e.raw));
        }
      }
      await flush();
    } catch (err) {
      failed = true;
      say(`shieldwall: cannot read ${file}: ${(err as Error).message}`);
    }
    await Promise.all(inFlight);
    if (failed) s.filesFailed++;
  }
  bar?.stop();
  s.retries = client.retries;
  s.elapsedMs = Math.round(performance.now() - started);
  s.eventsPerSec = s.elapsedMs > 0 ? Math.round((s.events * 1000) / s.elapsedMs) : 0;
  return s;
}

/** Adds one batch outcome to the summary; false when the node finally refused the batch. */
function account(s: IngestSummary, size: number, out: BatchOutcome): boolean {
  s.batches++;
  s.events += size;
  if (!out.ok) {
    s.batchesRefused++;
    return false;
  }
  s.accepted += out.accepted;
  for (const r of out.rejected) s.rejected[r.code] = (s.rejected[r.code] ?? 0) + 1;
  return true;
}

function summaryTable(s: IngestSummary): string {
  const rows: Record<string, unknown>[] = [
    { what: 'files', value: s.files, note: s.filesFailed > 0 ? `${s.filesFailed} failed` : '' },
    { what: 'events sent', value: s.events, note: s.malformed > 0 ? `${s.malformed} malformed in input, not sent` : '' },
    { what: 'accepted', value: s.accepted, note: '' },
    ...Object.entries(s.rejected).map(([code, n]) => ({ what: 'rejected', value: n, note: code })),
    { what: 'batches', value: s.batches, note: [s.batchesRefused > 0 ? `${s.batchesRefused} refused` : '', s.retries > 0 ? `${s.retries} retries` : ''].filter(Boolean).join(', ') },
    { what: 'elapsed s', value: (s.elapsedMs / 1000).toFixed(2), note: '' },
    { what: 'events/s', value: s.eventsPerSec, note: '' },
  ];
  return renderTable(rows, ['what', 'value', 'note']);
}
