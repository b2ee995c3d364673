/**
 * Threat-intelligence benchmark: `npm run bench:intel [-- --json] [--indicators N] [--ms M]`.
 * Sections run one after the other, each a function returning its figures; the last line is one
 * JSON object {"indicators","load_s","rss_mb","lookups_per_sec","taxii_objects_per_sec",
 * "taxii_nochange_poll_ms", …}. The TAXII section belongs to the TAXII server
 * (bench/taxii-bench-section.ts) and fills its two keys.
 *
 * Indicator section: 1,000,000 indicators (IPv4, IPv6, CIDRs of varied prefix lengths, domains,
 * URLs, MD5 and SHA-256 hashes) generated from a seeded PRNG, loaded into IndicatorIndex; then
 * matchEvent over real normalized events (OTRF Security-Datasets Windows logs and Suricata EVE
 * from ../shared/testdata, parsed by src/ingest/parsers) with 1 % generated hits, against a bare
 * Map.get per populated field of the same events on a Map of the same size, in the same run.
 * `--complex N` also measures matchEvent with N complex (MATCHES, CIDR+port) patterns added.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { parseEvent, type NormalizedEvent } from '../src/ingest/parsers/index.js';
import { IndicatorIndex, scoEcsFields } from '../src/intel/match/index.js';
import { systemClock } from '../src/shared/clock.js';
import { taxiiBenchSection } from './taxii-bench-section.js';
import { ndjsonGzFiles } from './ndjson-gz-files.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const indicatorCount = arg('--indicators', 1_000_000);
const budgetMs = arg('--ms', 3000);
const shared = resolve(process.cwd(), '../shared');
const log = (s: string): void => void process.stderr.write(s + '\n');

/** mulberry32: small, fast and deterministic, so every run loads the same indicators. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Generated {
  pattern: string;
  /** The ECS field and value an event needs to hit this indicator. */
  field: string;
  value: string;
}

function generator(seed: number): (i: number) => Generated {
  const r = prng(seed);
  const byte = (): number => Math.floor(r() * 256);
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
    return s;
  };
  const word = (): string => hex(4 + Math.floor(r() * 8)).replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)]!);
  const tlds = ['com', 'net', 'org', 'info', 'ru', 'io', 'biz'];
  return (i) => {
    const k = i % 20;
    if (k < 6) {
      const ip = `${1 + (byte() % 223)}.${byte()}.${byte()}.${byte()}`;
      return { pattern: `[ipv4-addr:value = '${ip}']`, field: 'destination.ip', value: ip };
    }
    if (k < 8) {
      const ip = `2001:db8:${hex(4)}:${hex(4)}::${hex(3)}`;
      return { pattern: `[ipv6-addr:value = '${ip}']`, field: 'source.ip', value: ip };
    }
    if (k < 9) {
      const prefix = 12 + Math.floor(r() * 19); // /12 … /30
      const ip = `${1 + (byte() % 223)}.${byte()}.${byte()}.${byte()}`;
      const base = ip.split('.').map(Number).reduce((a, b) => a * 256 + b, 0);
      const net = prefix === 0 ? 0 : Math.floor(base / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
      const text = [24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.');
      return { pattern: `[ipv4-addr:value = '${text}/${prefix}']`, field: 'destination.ip', value: ip };
    }
    if (k < 10 && i % 40 < 20) {
      const prefix = [32, 40, 48, 56, 64][Math.floor(r() * 5)]!;
      const net = `2001:${hex(4)}:${hex(4)}:${hex(4)}::`;
      return { pattern: `[ipv6-addr:value = '${net}/${prefix}']`, field: 'source.ip', value: net.replace('::', ':1::7') };
    }
    if (k < 14) {
      const d = `${word()}.${word()}.${tlds[Math.floor(r() * tlds.length)]}`;
      return { pattern: `[domain-name:value = '${d}']`, field: 'dns.question.name', value: d };
    }
    if (k < 16) {
      const u = `http://${word()}.${tlds[Math.floor(r() * tlds.length)]}/${word()}/${word()}.php?id=${hex(6)}`;
      return { pattern: `[url:value = '${u}']`, field: 'url.full', value: u };
    }
    if (k < 18) {
      const h = hex(32);
      return { pattern: `[file:hashes.MD5 = '${h}']`, field: 'file.hash.md5', value: h };
    }
    const h = hex(64);
    return { pattern: `[file:hashes.'SHA-256' = '${h}']`, field: 'process.hash.sha256', value: h };
  };
}

const mb = (bytes: number): number => Math.round(bytes / 1048576);

/** Real events: up to `max` Windows events, then every Suricata EVE line. */
function realEvents(max: number): NormalizedEvent[] {
  const events: NormalizedEvent[] = [];
  const take = (line: string): void => {
    if (line.trim() === '') return;
    const r = parseEvent(line, { receivedAt: Date.UTC(2026, 0, 1) });
    if (r.ok) events.push(r.value);
  };
  for (const f of ndjsonGzFiles(join(shared, 'testdata/security-datasets/datasets'))) {
    if (events.length >= max) break;
    for (const line of gunzipSync(readFileSync(f)).toString('utf8').split('\n')) {
      if (events.length >= max) break;
      take(line);
    }
  }
  const windows = events.length;
  const eveDirs = ['suricata/otrf', ...readdirSync(join(shared, 'testdata/suricata/suricata-verify'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `suricata/suricata-verify/${d.name}`)];
  for (const d of eveDirs) {
    for (const f of readdirSync(join(shared, 'testdata', d))) {
      if (f.endsWith('.json') && f.includes('eve')) for (const line of readFileSync(join(shared, 'testdata', d, f), 'utf8').split('\n')) take(line);
    }
  }
  log(`events: ${windows} Windows (Security-Datasets) + ${events.length - windows} Suricata EVE`);
  return events;
}

/** Calls per wall second, and per CPU second of this process (the machine is shared: see docs). */
function rate(events: NormalizedEvent[], fn: (e: NormalizedEvent) => number): { perSec: number; perCpuSec: number; sink: number } {
  let sink = 0;
  for (let i = 0; i < Math.min(events.length, 20000); i++) sink += fn(events[i]!);
  let count = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    for (let i = 0; i < events.length; i++) sink += fn(events[i]!);
    count += events.length;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpu0);
  return { perSec: Math.round((count / elapsed) * 1000), perCpuSec: Math.round((count / (cpu.user + cpu.system)) * 1e6), sink };
}

/** Indicator loading and per-event matching. */
function indicatorSection(): Record<string, number> {
  const rssBefore = process.memoryUsage().rss;
  const next = generator(20260126);
  const index = new IndicatorIndex({ clock: systemClock });
  const hits: Generated[] = [];
  // Generated in batches outside the timed part: load_s is IndicatorIndex.add alone (pattern
  // validation and compilation included), not this script's string building.
  let loadMs = 0;
  let loadCpuUs = 0;
  const batch: Array<{ id: string; pattern: string; pattern_type: string; valid_from: string; modified: string }> = [];
  for (let from = 0; from < indicatorCount; from += 10_000) {
    batch.length = 0;
    for (let i = from; i < Math.min(indicatorCount, from + 10_000); i++) {
      const g = next(i);
      if (i % 997 === 0) hits.push(g);
      const hexId = (i + 1).toString(16).padStart(12, '0');
      batch.push({ id: `indicator--6f1e2d3c-4b5a-4978-8a6b-${hexId}`, pattern: g.pattern, pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z' });
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const ind of batch) index.add(ind);
    loadMs += performance.now() - t0;
    const c = process.cpuUsage(c0);
    loadCpuUs += c.user + c.system;
  }
  batch.length = 0;
  const loadS = loadMs / 1000;
  log(`load CPU time ${(loadCpuUs / 1e6).toFixed(2)} s (wall ${loadS.toFixed(2)} s; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`);
  (globalThis as { gc?: () => void }).gc?.();
  const rss = process.memoryUsage().rss;
  log(`load: ${index.size} indicators in ${loadS.toFixed(2)} s; rss ${mb(rss)} MB (${mb(rss - rssBefore)} MB over the ${mb(rssBefore)} MB before); ${JSON.stringify(index.stats)}`);

  const events = realEvents(arg('--events', 100_000));
  // 1 % hits: a real event with one field replaced by an indicator's value.
  for (let i = 0; i < events.length; i += 100) {
    const h = hits[(i / 100) % hits.length]!;
    events[i] = { ...events[i]!, ecs: { ...events[i]!.ecs, [h.field]: h.value } };
  }
  const fields = [...new Set(scoEcsFields.map((f) => f.ecs))];
  const baseMap = new Map<string, number>();
  const bg = generator(20260126);
  for (let i = 0; i < indicatorCount; i++) baseMap.set(bg(i).value, i);
  const now = Date.UTC(2026, 5, 1);
  const baseline = rate(events, (e) => {
    const ecs = e.ecs as Record<string, unknown>;
    let n = 0;
    for (const f of fields) {
      const v = ecs[f];
      if (typeof v === 'string' && baseMap.get(v) !== undefined) n++;
    }
    return n;
  });
  const measured = rate(events, (e) => index.matchEvent(e, now).length);
  const f = (n: number): string => n.toLocaleString('en-US');
  log(`matchEvent: ${f(measured.perSec)} events/s, ${f(measured.perCpuSec)} per CPU second (hits counted ${measured.sink}); bare Map.get baseline over the same fields: ${f(baseline.perSec)} events/s, ${f(baseline.perCpuSec)} per CPU second (${(measured.perSec / baseline.perSec).toFixed(2)}x)`);
  const complexCount = arg('--complex', 0);
  if (complexCount > 0) {
    // Optional: complex single-observation patterns evaluated per event on top of the million.
    for (let i = 0; i < complexCount; i++) {
      const pattern = i % 2 === 0 ? `[process:command_line MATCHES '(?i)evil${i}\\\\.exe\\\\s+-enc']` : `[network-traffic:dst_ref.value ISSUBSET '198.18.${i % 256}.0/24' AND network-traffic:dst_port = ${1024 + i}]`;
      index.add({ id: `indicator--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, pattern, pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' });
    }
    const withComplex = rate(events, (e) => index.matchEvent(e, now).length);
    log(`matchEvent with ${complexCount} complex patterns added: ${f(withComplex.perSec)} events/s, ${f(withComplex.perCpuSec)} per CPU second`);
  }
  return { indicators: index.size, load_s: Number(loadS.toFixed(2)), rss_mb: mb(rss), lookups_per_sec: measured.perSec, baseline_map_get_per_sec: baseline.perSec };
}

/** TAXII serving over real HTTP (bench/taxii-bench-section.ts); `--taxii-objects N`, default 100,000. */
async function taxiiSection(): Promise<Record<string, number | null>> {
  return taxiiBenchSection({ objects: arg('--taxii-objects', 100_000), log });
}

const intel = indicatorSection();
const taxii = await taxiiSection();
const { baseline_map_get_per_sec, ...main } = intel;
console.log(JSON.stringify({ ...main, ...taxii, baseline_map_get_per_sec, date: new Date().toISOString() }));
