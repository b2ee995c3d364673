/**
 * End-to-end benchmark of the live pipeline: a node in one child process (`shieldwall start` with
 * the full shipped rule set), a load generator in another (bench/pipeline-load-driver.ts) posting
 * the Security-Datasets events as gzip NDJSON over HTTP. Measures events/s until every accepted
 * event has been through detection, ingest-to-alert-stored lag p50/p99 (the node's
 * shieldwall_pipeline_lag_seconds histogram, interpolated within buckets), the node's peak RSS
 * (VmHWM) and lost = accepted − events stored (counted in the database after the node stopped).
 *
 * Run: npm run bench:pipeline -- [--limit N] [--batch N] [--concurrency N] [--json]
 *        [--max-bytes N] [--db postgres://…] [--bus nats://…] [--profile DIR] [--syslog FRAMES]
 *        [--max-in-flight N] (the node's ingest.maxInFlight; default: the node's default)
 *        [--from-source] (run the node from src/ under tsx instead of the compiled dist/)
 *        [--warmup N] (events sent first, through detection before the clock starts; default 10000, 0 = none)
 * Environment: BENCH_NODE_FLAGS (space-separated node/V8 flags for the node under test, for experiments);
 * MALLOC_ARENA_MAX (default 2, as `npm start` sets it).
 * With --syslog, a second phase replays real syslog TCP captures (bench/pipeline-syslog-driver.ts)
 * to the node's syslog TCP listener and reports its own events/s (not in the last line).
 * The last line is always {"events","events_per_sec","p50_ms","p99_ms","rss_mb","lost"}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { histogramBuckets, histogramQuantile, parsePrometheusText, type PromSample } from '../src/cli/prometheus-text.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const limit = Number(value('--limit', '200000'));
const batch = Number(value('--batch', '2000'));
const concurrency = Number(value('--concurrency', '4'));
const dbUrl = value('--db', '');
const busUrl = value('--bus', '');
const profileDir = value('--profile', '');
// A batch travels as one bus message: NATS refuses messages over its max_payload (1 MiB by
// default), and the stored form (raw + ECS) is about twice the NDJSON; HTTP allows 10 MiB.
const maxBytes = Number(value('--max-bytes', busUrl.startsWith('nats') ? String(256 * 1024) : String(8 * 1024 * 1024)));
const syslogFrames = Number(value('--syslog', '0'));
const maxInFlight = value('--max-in-flight', '');
const asJson = flag('--json');
const warmup = Number(value('--warmup', '10000'));
const fromSource = flag('--from-source');
const log = (line: string) => (asJson ? process.stderr : process.stdout).write(line + '\n');

const root = process.cwd();
const dataDir = resolve(root, '../shared/testdata/security-datasets/datasets');
if (!existsSync(dataDir)) {
  log(`testdata absent at ${dataDir}; nothing to measure`);
  process.exit(0);
}

const suffix = randomBytes(4).toString('hex');
const home = mkdtempSync(join(tmpdir(), 'sw-pipeline-bench-'));
const pgSchema = dbUrl.startsWith('postgres') ? `bench_${suffix}` : '';
const env: Record<string, string> = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SHIELDWALL_'))) as Record<string, string>,
  // As `npm start` runs the node (docs/pipeline.md, "Memory"): two malloc arenas instead of glibc's
  // eight per core, which held ~70 MB more of freed batch buffers at the peak.
  MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
  SHIELDWALL_LOG_LEVEL: 'warn',
  SHIELDWALL_BUS_NAMESPACE: `bench_${suffix}`,
  ...(dbUrl ? { SHIELDWALL_DB_URL: `${dbUrl}${dbUrl.includes('?') ? '&' : '?'}schema=${pgSchema}` } : {}),
  ...(busUrl ? { SHIELDWALL_BUS_URL: busUrl } : {}),
  ...(maxInFlight ? { SHIELDWALL_INGEST_MAX_IN_FLIGHT: maxInFlight } : {}),
};

/** Starts the node and waits for its address and first-start admin token. */
async function startNodeProcess(): Promise<{ child: ChildProcess; url: string; token: string; startMs: number; syslogTcp: string | undefined }> {
  const started = Date.now();
  const prof = [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : []), ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)];
  const syslogArgs = syslogFrames > 0 ? ['--syslog-tcp', '127.0.0.1:0'] : [];
  // The node runs the compiled CLI, as in production (`npm run bench:pipeline` builds first): under
  // tsx every isolate (main and each detection worker) also carries the transpiler, ~30 MB apiece.
  const entry = fromSource ? ['--import', 'tsx', 'src/cli/bin.ts'] : ['bin/shieldwall.js'];
  const child = spawn(process.execPath, [...prof, ...entry, 'start', '--port', '0', '--data-dir', home, ...syslogArgs], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`node did not start in 180 s:\n${out}`)), 180_000);
    child.on('exit', (code) => rej(new Error(`node exited with ${code}:\n${out}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      const token = /Admin token[^:]*: (\S+)/.exec(out)?.[1];
      const syslogTcp = /syslog\/tcp on (\S+)/.exec(out)?.[1];
      if (url && token && (syslogFrames === 0 || syslogTcp)) {
        clearTimeout(timer);
        res({ child, url, token, startMs: Date.now() - started, syslogTcp });
      }
    });
  });
}

/** Waits until `count` events have been through detection (alerts stored before the count moves). */
async function untilDetected(count: number): Promise<number> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const detected = sum(await metrics(node.url), 'shieldwall_detection_events_total');
    if (detected >= count || Date.now() > deadline) return detected;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function metrics(url: string): Promise<PromSample[]> {
  return parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
}
const sum = (samples: PromSample[], name: string) => samples.filter((s) => s.name === name).reduce((a, s) => a + s.value, 0);

function runDriver(url: string, token: string, phase: { limit: number; keyPrefix?: string } = { limit }): Promise<{ sent: number; accepted: number; rejected: number; batches: number; retries: number; refused: number; startedAt: number; endedAt: number }> {
  const input = JSON.stringify({ url, token, dataDir, batch, concurrency, maxBytes, ...phase });
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/pipeline-load-driver.ts', input], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((res, rej) => child.on('exit', (code) => (code === 0 ? res(JSON.parse(out.trim().split('\n').at(-1)!)) : rej(new Error(`driver exited with ${code}`)))));
}

function vmHwmMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** CPU seconds (user, system) a process or thread has used so far (a process: all its threads). */
function cpuSeconds(pid: number, tid?: number): { user: number; system: number; faults: number } {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(f[11]) / 100, system: Number(f[12]) / 100, faults: Number(f[7]) };
}

/** CPU seconds of each thread of a process (`main`, or `name:tid`: workers, V8 helpers, libuv pool). */
function threadCpu(pid: number): Map<string, { user: number; system: number; faults: number }> {
  const byName = new Map<string, { user: number; system: number; faults: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const key = Number(tid) === pid ? 'main' : `${name}:${tid}`;
      const c = cpuSeconds(pid, Number(tid));
      const had = byName.get(key) ?? { user: 0, system: 0, faults: 0 };
      byName.set(key, { user: had.user + c.user, system: had.system + c.system, faults: had.faults + c.faults });
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return byName;
}

async function storedEvents(): Promise<number> {
  if (pgSchema) {
    const u = new URL(dbUrl);
    const c = new pg.Client({ host: u.hostname, port: Number(u.port || 5432), database: u.pathname.slice(1), user: u.username || userInfo().username, password: u.password || undefined });
    await c.connect();
    try {
      const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${pgSchema}".events`);
      return Number(r.rows[0]!.n);
    } finally {
      await c.query(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`).catch(() => undefined);
      await c.end();
    }
  }
  const db = new Database(join(home, 'shieldwall.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const node = await startNodeProcess();
// A failed run must not leave the node behind.
process.on('exit', () => node.child.exitCode === null && node.child.kill('SIGKILL'));
log(`node up at ${node.url} in ${node.startMs} ms (pid ${node.child.pid}; store ${dbUrl ? 'postgres' : 'sqlite'}, bus ${busUrl ? 'nats' : 'memory'})`);
// Warm-up: the first events of each logsource build its rule indexes in every detection worker
// (~1–2 s of CPU per worker for the busiest Windows logsources), once per node start. The timed
// phase measures the node in its steady state; the warm-up's own lag is logged beside it.
let warm = { accepted: 0, p99: NaN };
let lagBase: { le: number; count: number }[] = [];
let detectedBase = 0;
let alertsBase = 0;
if (warmup > 0) {
  const w = await runDriver(node.url, node.token, { limit: warmup, keyPrefix: 'warmup-' });
  await untilDetected(w.accepted);
  const m = await metrics(node.url);
  lagBase = histogramBuckets(m, 'shieldwall_pipeline_lag_seconds');
  detectedBase = sum(m, 'shieldwall_detection_events_total');
  alertsBase = sum(m, 'shieldwall_alerts_total');
  warm = { accepted: w.accepted, p99: Math.round((histogramQuantile(0.99, lagBase) ?? NaN) * 1000) };
  log(`warm-up: ${w.accepted} events (same files, other idempotency keys) through detection; their lag p99 ${warm.p99} ms (rule indexes built on first events)`);
}
const cpuBefore = cpuSeconds(node.child.pid!);
const threadsBefore = threadCpu(node.child.pid!);
// The main thread (tid = pid) runs HTTP, the store and the bus: the one thread that cannot be spread.
const mainBefore = cpuSeconds(node.child.pid!, node.child.pid!);
const driver = await runDriver(node.url, node.token);
log(`driver: ${driver.sent} sent, ${driver.accepted} accepted, ${driver.rejected} rejected, ${driver.batches} batches, ${driver.retries} retries (429/503), ${driver.refused} refused, HTTP phase ${((driver.endedAt - driver.startedAt) / 1000).toFixed(1)} s`);

// Done when every accepted event has been through detection (alerts stored before the count moves).
const detected = (await untilDetected(detectedBase + driver.accepted)) - detectedBase;
const doneAt = Date.now();
const cpuAfter = cpuSeconds(node.child.pid!);
const threadsAfter = threadCpu(node.child.pid!);
const mainAfter = cpuSeconds(node.child.pid!, node.child.pid!);
const final = await metrics(node.url);
// Cumulative buckets: the timed phase's are the final counts minus the warm-up's.
const buckets = histogramBuckets(final, 'shieldwall_pipeline_lag_seconds').map((b) => ({ le: b.le, count: b.count - (lagBase.find((x) => x.le === b.le)?.count ?? 0) }));
const q = (p: number) => Math.round((histogramQuantile(p, buckets) ?? NaN) * 1000);
const rssMb = vmHwmMb(node.child.pid!);
const alerts = sum(final, 'shieldwall_alerts_total') - alertsBase;
// CPU per event is steadier than events/s on a machine shared with other jobs.
const cpuUser = cpuAfter.user - cpuBefore.user;
const cpuSystem = cpuAfter.system - cpuBefore.system;
log(`node CPU during the run: ${cpuUser.toFixed(1)} s user + ${cpuSystem.toFixed(1)} s system = ${Math.round(((cpuUser + cpuSystem) * 1e6) / Math.max(1, detected))} µs per event (all threads), main thread ${Math.round(((mainAfter.user - mainBefore.user + mainAfter.system - mainBefore.system) * 1e6) / Math.max(1, detected))} µs per event; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const mb = (name: string) => Math.round(sum(final, name) / 2 ** 20);
// Per thread: user + system µs per event (system time is where SQLite's writes, page faults and
// thread wake-ups show), and minor page faults per event (pages the kernel had to map and zero).
const perEvent = (seconds: number) => Math.round((seconds * 1e6) / Math.max(1, detected));
const byThread = [...threadsAfter].map(([name, after]) => {
  const before = threadsBefore.get(name) ?? { user: 0, system: 0, faults: 0 };
  const faults = (after.faults - before.faults) / Math.max(1, detected);
  return { name, user: perEvent(after.user - before.user), system: perEvent(after.system - before.system), faults };
});
log(`node CPU by thread (µs per event, user+system): ${byThread.filter((t) => t.user + t.system > 0).sort((a, b) => b.user + b.system - (a.user + a.system)).slice(0, 10).map((t) => `${t.name} ${t.user + t.system} (${t.user}+${t.system}, ${t.faults.toFixed(1)} faults)`).join(', ')}`);
log(`detection: ${detected} events, ${alerts} alerts; node RSS now ${mb('shieldwall_process_resident_memory_bytes')} MB (main thread heap ${mb('shieldwall_nodejs_heap_size_used_bytes')} MB used of ${mb('shieldwall_nodejs_heap_size_total_bytes')} MB, external ${mb('shieldwall_nodejs_external_memory_bytes')} MB), peak ${rssMb} MB`);

let syslogStored = 0;
if (syslogFrames > 0 && node.syslogTcp) {
  const input = JSON.stringify({ address: node.syslogTcp, syslogDir: resolve(root, '../shared/testdata/syslog'), frames: syslogFrames, connections: 4 });
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/pipeline-syslog-driver.ts', input], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const sent = await new Promise<{ frames: number; startedAt: number; endedAt: number }>((res, rej) =>
    child.on('exit', (code) => (code === 0 ? res(JSON.parse(out.trim())) : rej(new Error(`syslog driver exited with ${code}`)))));
  // Done when every frame was received and every queued syslog event has been through detection.
  const until = Date.now() + 10 * 60_000;
  let m = await metrics(node.url);
  const forInput = (name: string) => m.filter((s) => s.name === name && s.labels.input === 'syslog-tcp').reduce((a, s) => a + s.value, 0);
  while (Date.now() < until) {
    m = await metrics(node.url);
    if (forInput('shieldwall_ingest_received_total') >= sent.frames && sum(m, 'shieldwall_detection_events_total') >= detectedBase + detected + forInput('shieldwall_ingest_queued_total')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const secs = (Date.now() - sent.startedAt) / 1000;
  syslogStored = forInput('shieldwall_ingest_queued_total');
  const rejected = forInput('shieldwall_ingest_rejected_total');
  log(`syslog TCP: ${sent.frames} frames written in ${((sent.endedAt - sent.startedAt) / 1000).toFixed(1)} s; ${forInput('shieldwall_ingest_received_total')} received, ${syslogStored} queued, ${rejected} rejected; ${Math.round(syslogStored / secs)} events/s to detection`);
}

const exited = new Promise((r) => node.child.once('exit', r));
node.child.kill('SIGTERM');
await exited;
const stored = await storedEvents();
if (busUrl) {
  const { createBus } = await import('../src/bus/index.js');
  const bus = await createBus(busUrl);
  for (const s of [`bench_${suffix}_INGEST`, `bench_${suffix}_ALERTS`]) await bus.deleteStream(s).catch(() => undefined);
  await bus.close();
}
rmSync(home, { recursive: true, force: true });

if (driver.refused > 0) log(`WARNING: ${driver.refused} batches refused; their events may be stored without being detected, so lost is not meaningful`);
const seconds = (doneAt - driver.startedAt) / 1000;
const summary = {
  events: driver.accepted,
  events_per_sec: Math.round(driver.accepted / seconds),
  p50_ms: q(0.5),
  p99_ms: q(0.99),
  rss_mb: rssMb,
  lost: warm.accepted + driver.accepted + syslogStored - stored,
};
log(`end to end: ${driver.accepted} events in ${seconds.toFixed(1)} s; stored ${stored}; lag p50 ${summary.p50_ms} ms, p99 ${summary.p99_ms} ms`);
process.stdout.write(JSON.stringify(summary) + '\n');
