/**
 * Micro-benchmark of the pure ingest parsers on the real captures in ../shared/testdata.
 * Run: npx tsx bench/ingest-parsers-bench.ts [--ms 800]. Prints one line per case, then a JSON
 * summary as the last line. Baselines: Buffer#toString + split(' ') for syslog/CEF frames, bare
 * JSON.parse for EVE lines, so ratios show the parsers' cost over the minimum any reader pays.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SyslogFramer, parseEve, parseEvent, parseSyslog, parseSyslogEvent } from '../src/ingest/parsers/index.js';

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
console.log(JSON.stringify({ bench: 'ingest-parsers', unit: 'per_second', budgetMs, node: process.version, results }));
