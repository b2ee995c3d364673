/**
 * Micro-benchmark of the pure ingest parsers on the real captures in ../shared/testdata.
 * Run: npx tsx bench/ingest-parsers-bench.ts [--ms 800]. Prints one line per case, then a JSON
 * summary as the last line. Baselines: Buffer#toString + split(' ') for syslog/CEF frames, bare
 * JSON.parse for EVE lines, so ratios show the parsers' cost over the minimum any reader pays. The
 * pipeline cases time parseRecords (the per-record work of ingest) in CPU µs and bytes allocated per
 * event, beside a bare JSON.parse of the same Security-Datasets and EVE lines.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { SyslogFramer, parseEve, parseEvent, parseSyslog, parseSyslogEvent } from '../src/ingest/parsers/index.js';
import { parseRecords } from '../src/ingest/pipeline/record-parsing.js';
import { randomIds } from '../src/shared/ids.js';

const msArg = process.argv.indexOf('--ms');
const budgetMs = msArg > 0 ? Number(process.argv[msArg + 1]) : 800;
const data = resolve(process.cwd(), '../shared/testdata');
if (!existsSync(data)) {
  console.log(`testdata absent at ${data}; nothing to measure`);
  process.exit(0);
}
const syslogDir = `${data}/syslog/`;
const reference = Date.UTC(2026, 10, 25, 20, 0, 0);

function framesOf(file: string): Buffer[] {
  const framer = new SyslogFramer();
  return [...framer.push(readFileSync(syslogDir + file)), ...framer.end()].flatMap((r) => (r.ok ? [Buffer.from(r.value.bytes)] : []));
}
const udp = (prefix: string): Buffer[] => readdirSync(syslogDir).filter((f) => f.startsWith(prefix)).sort().map((f) => readFileSync(syslogDir + f));

const sets = {
  rfc5424: [...framesOf('logger-tcp-rfc5424-lf.tcp'), ...udp('logger-udp-rfc5424.'), ...udp('rsyslog-udp-rfc5424.0').slice(0, 2)],
  rfc3164: [...framesOf('logger-tcp-rfc3164-lf.tcp'), ...udp('logger-udp-rfc3164.'), ...framesOf('rsyslog-tcp-traditional-lf.tcp').slice(0, 2)],
  cef: [...framesOf('logger-tcp-rfc3164-lf-cef.tcp'), ...udp('logger-udp-rfc5424-cef.')],
};
const eveLines = ['empire_ninjacopy_dumping_ntds_dit_file.eve.json', 'pcap_log4shell_cve2021_44228_java_serialized_2022-05-13045800.eve.json']
  .flatMap((f) => readFileSync(`${data}/suricata/otrf/${f}`, 'utf8').split('\n').filter((l) => l.length > 0));
const octetStream = readFileSync(syslogDir + 'rsyslog-tcp-rfc5424-octet.tcp');

/** Runs `fn` over all items repeatedly for about budgetMs; returns items per second. */
function measure<T>(items: T[], fn: (item: T) => unknown): number {
  let sink = 0;
  for (let i = 0; i < 2000; i++) if (fn(items[i % items.length]!) !== undefined) sink++;
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    for (const item of items) if (fn(item) !== undefined) sink++;
    count += items.length;
    elapsed = performance.now() - start;
  }
  if (sink < 0) console.log(sink);
  return Math.round((count / elapsed) * 1000);
}

const baseline = (b: Buffer): unknown => b.toString('utf8').split(' ');
const results: Record<string, number> = {};
const row = (name: string, perSec: number, base?: number): void => {
  results[name] = perSec;
  console.log(`${name.padEnd(34)} ${perSec.toLocaleString('en-US').padStart(12)} /s${base === undefined ? '' : `   (${(perSec / base).toFixed(2)}x baseline)`}`);
};

for (const [name, frames] of Object.entries(sets)) {
  const base = measure(frames, baseline);
  row(`${name}.baseline_toString_split`, base);
  if (name !== 'cef') row(`${name}.parseSyslog`, measure(frames, (f) => parseSyslog(f, { referenceTime: reference })), base);
  row(`${name}.parseSyslogEvent`, measure(frames, (f) => parseSyslogEvent(f, { referenceTime: reference })), base);
}
const eveBase = measure(eveLines, (l) => JSON.parse(l));
row('eve.baseline_JSON.parse', eveBase);
row('eve.parseEve', measure(eveLines, (l) => parseEve(l)), eveBase);
row('eve.parseEvent(detect+parse)', measure(eveLines, (l) => parseEvent(l, { receivedAt: reference })), eveBase);
const streams = [octetStream];
const framerPerSec = measure(streams, (s) => { const f = new SyslogFramer(); return f.push(s).length + f.end().length; });
row('framer.octet_stream(8 frames)', framerPerSec * 8);

/** Up to `perFile` lines of each Security-Datasets capture, so every layout and event mix is in. */
function securityDatasetLines(perFile: number): string[] {
  const root = `${data}/security-datasets/datasets`;
  if (!existsSync(root)) return [];
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ndjson.gz')).sort();
  return files.flatMap((f) => gunzipSync(readFileSync(join(root, f))).toString('utf8').split('\n', perFile).filter((l) => l.length > 0));
}

// Exactly the pipeline's per-record work: parseRecords (JSON.parse, detect, normalise, encode
// the stored row and the bus JSON) on batches of 500 lines, beside a bare JSON.parse of the same
// lines. Timed in CPU (process.cpuUsage), not wall time: the machine is shared with other
// benchmarks, and the best of several rounds is the least disturbed one.
const batchOf = (lines: string[]): string[][] => Array.from({ length: Math.ceil(lines.length / 500) }, (_, i) => lines.slice(i * 500, i * 500 + 500));
const receivedAt = reference;
const pipelineSets = { securityDatasets: securityDatasetLines(200), eve: eveLines };
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Best-of-rounds CPU µs per item of `fn` over `batches`. */
function cpuPerItem(batches: string[][], fn: (batch: string[]) => unknown, rounds = 7): number {
  const n = batches.reduce((a, b) => a + b.length, 0);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    for (const b of batches) fn(b);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / n);
  }
  return best;
}

/**
 * Bytes allocated per item: heapUsed growth over one batch right after a full GC, with the
 * results kept alive so nothing is collected in between (a batch allocates a few MB, well under
 * the young generation). The median batch, so a batch a scavenge cut short does not count.
 */
function bytesPerItem(batches: string[][], fn: (batch: string[]) => unknown): number {
  const per: number[] = [];
  for (const b of batches) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept = fn(b);
    const after = process.memoryUsage().heapUsed;
    if (kept !== undefined) per.push((after - before) / b.length);
  }
  per.sort((a, b) => a - b);
  return Math.round(per[Math.floor(per.length / 2)] ?? 0);
}

const perEvent: Record<string, { cpuUs: number; bytes: number }> = {};
for (const [name, lines] of Object.entries(pipelineSets)) {
  if (lines.length === 0) continue;
  const batches = batchOf(lines);
  const bare = (b: string[]): unknown => b.map((l) => JSON.parse(l) as unknown);
  const pipeline = (b: string[]): unknown => parseRecords({ orgId: 'org', input: 'bench', receivedAt, records: b }, randomIds);
  cpuPerItem(batches, pipeline, 2); // warm-up
  const baseUs = cpuPerItem(batches, bare);
  const pipeUs = cpuPerItem(batches, pipeline);
  const baseBytes = bytesPerItem(batches, bare);
  const pipeBytes = bytesPerItem(batches, pipeline);
  perEvent[`${name}.baseline_JSON.parse`] = { cpuUs: baseUs, bytes: baseBytes };
  perEvent[`${name}.parseRecords`] = { cpuUs: pipeUs, bytes: pipeBytes };
  console.log(`${`${name}.baseline_JSON.parse`.padEnd(34)} ${baseUs.toFixed(2).padStart(8)} µs CPU/event ${String(baseBytes).padStart(7)} B/event   (${lines.length} lines)`);
  console.log(`${`${name}.parseRecords`.padEnd(34)} ${pipeUs.toFixed(2).padStart(8)} µs CPU/event ${String(pipeBytes).padStart(7)} B/event   (${(pipeUs / baseUs).toFixed(2)}x baseline CPU, ${(pipeBytes / baseBytes).toFixed(2)}x bytes)`);
}
console.log(JSON.stringify({ bench: 'ingest-parsers', unit: 'per_second', budgetMs, node: process.version, results, perEvent }));
