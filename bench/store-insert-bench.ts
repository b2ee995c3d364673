/**
 * Event insert micro-benchmark (issue 4): the CPU one stored event costs, without HTTP, bus or Sigma.
 *
 * Reads Security-Datasets events, encodes them as the pipeline does (`parseRecords`), then inserts
 * them in batches of `--batch` (default 2,000) through `scoped.events.insertBatch` on a fresh
 * store per round, and in the same run through a bare baseline: one prepared INSERT of the same
 * `data` text per row into a table with only a rowid (SQLite), or one multi-row INSERT of the same
 * text per batch into a table with only a bigserial key (PostgreSQL; only the node's CPU is counted,
 * not the server's). Rounds alternate store and
 * baseline; the minimum of `--rounds` (default 3) is reported, CPU split into user and system
 * (`process.cpuUsage`: wall time on a shared 2-core machine is not a fair figure).
 *
 * Usage: `npm run bench:store -- [--limit N] [--batch N] [--rounds N] [--db postgres://…] [--json]`.
 * The last line with `--json` is one JSON object.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { parseRecords } from '../src/ingest/pipeline/record-parsing.js';
import { randomIds } from '../src/shared/ids.js';
import { createStore, orgScope, type NewEvent, type Store } from '../src/store/index.js';
import { ndjsonGzFiles } from './ndjson-gz-files.js';

const { values: args } = parseArgs({
  options: {
    limit: { type: 'string', default: '40000' },
    batch: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    db: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const limit = Number(args.limit);
const batchSize = Number(args.batch);
const rounds = Number(args.rounds);
const dataDir = join(import.meta.dirname, '..', '..', 'shared', 'testdata', 'security-datasets');

/** CPU and wall time of one round, in µs per event. */
interface Sample {
  user: number;
  system: number;
  wall: number;
}

function loadRows(): NewEvent[] {
  const rows: NewEvent[] = [];
  for (const file of ndjsonGzFiles(dataDir)) {
    if (rows.length >= limit) break;
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.trim() !== '');
    const parsed = parseRecords({ orgId: 'org-bench', input: 'bench', receivedAt: Date.now(), records: lines.slice(0, limit - rows.length) }, randomIds);
    for (const e of parsed.events) rows.push(e.row);
  }
  return rows;
}

async function timed(n: number, run: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { user: used.user / n, system: used.system / n, wall: (wall * 1000) / n };
}

function batches(rows: NewEvent[]): NewEvent[][] {
  const out: NewEvent[][] = [];
  for (let i = 0; i < rows.length; i += batchSize) out.push(rows.slice(i, i + batchSize));
  return out;
}

/** One round through the store port: fresh ids per round so every insert is a new row. */
async function storeRound(open: () => Promise<Store>, rows: NewEvent[], round: number): Promise<Sample> {
  const store = await open();
  await store.migrate();
  const events = store.scoped(orgScope('org-bench')).events;
  const fresh = rows.map((r) => ({ ...r, id: `${r.id}.${round}` }));
  const sample = await timed(rows.length, async () => {
    let b = 0;
    for (const chunk of batches(fresh)) {
      const inserted = await events.insertBatch({ orgId: 'org-bench', batchId: `b${round}.${b++}`, receivedAt: chunk[0]!.receivedAt }, chunk);
      if (inserted !== chunk.length) throw new Error(`inserted ${inserted} of ${chunk.length}`);
    }
  });
  await store.close();
  return sample;
}

function sqliteBaselineRound(path: string, rows: NewEvent[]): Promise<Sample> {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table bare (data text not null)');
  const insert = db.prepare('insert into bare (data) values (?)');
  const write = db.transaction((chunk: NewEvent[]) => {
    for (const r of chunk) insert.run(r.dataJson);
  });
  const sample = timed(rows.length, async () => {
    for (const chunk of batches(rows)) write(chunk);
  });
  return sample.finally(() => db.close());
}

async function postgresBaselineRound(url: string, schema: string, rows: NewEvent[]): Promise<Sample> {
  const client = new pg.Client({ connectionString: withUser(url), options: `-c search_path=${schema}` });
  await client.connect();
  await client.query(`create schema if not exists ${schema}`);
  await client.query('drop table if exists bare');
  await client.query('create table bare (seq bigserial primary key, data text not null)');
  try {
    return await timed(rows.length, async () => {
      for (const chunk of batches(rows)) {
        await client.query('begin');
        // One parameter per row: an `unnest($1::text[])` of the same text cost ~74 µs/event of
        // node CPU in pg's array encoding (measured 2026-11-26), 5x this.
        const values = chunk.map((_, i) => `($${i + 1})`).join(', ');
        await client.query(`insert into bare (data) values ${values}`, chunk.map((r) => r.dataJson));
        await client.query('commit');
      }
    });
  } finally {
    await client.query(`drop schema ${schema} cascade`);
    await client.end();
  }
}

/** The URL with libpq's default user (the OS account) when it names none, as the store does. */
function withUser(url: string): string {
  const u = new URL(url);
  if (!u.username && !process.env.PGUSER) u.username = userInfo().username;
  return u.toString();
}

function minOf(samples: Sample[]): Sample {
  return {
    user: Math.min(...samples.map((s) => s.user)),
    system: Math.min(...samples.map((s) => s.system)),
    wall: Math.min(...samples.map((s) => s.wall)),
  };
}

const rows = loadRows();
const bytes = rows.reduce((n, r) => n + (r.dataJson?.length ?? 0), 0);
const log = (line: string) => process.stderr.write(`${line}\n`);
log(`${rows.length} events, data ${(bytes / rows.length).toFixed(0)} chars each on average, batches of ${batchSize}, ${rounds} rounds, load average ${loadavg()[0]!.toFixed(2)}`);

const storeSamples: Sample[] = [];
const baseSamples: Sample[] = [];
let dbBytes = 0;
for (let round = 0; round < rounds; round++) {
  if (args.db) {
    const schema = `bench_store_${process.pid}_${round}`;
    const url = args.db;
    const schemaUrl = new URL(url);
    schemaUrl.searchParams.set('schema', schema);
    storeSamples.push(await storeRound(() => createStore(schemaUrl.toString()), rows, round));
    const admin = new pg.Client({ connectionString: withUser(url) });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
    baseSamples.push(await postgresBaselineRound(url, `${schema}_bare`, rows));
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'sw-store-bench-'));
    try {
      const path = join(dir, 'store.db');
      storeSamples.push(await storeRound(() => createStore(`sqlite:${path}`), rows, round));
      dbBytes = statSync(path).size;
      baseSamples.push(await sqliteBaselineRound(join(dir, 'bare.db'), rows));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const s = storeSamples.at(-1)!;
  const b = baseSamples.at(-1)!;
  log(`round ${round + 1}: insertBatch user ${s.user.toFixed(1)} + sys ${s.system.toFixed(1)} µs/event (wall ${s.wall.toFixed(1)}); baseline user ${b.user.toFixed(1)} + sys ${b.system.toFixed(1)} (wall ${b.wall.toFixed(1)})`);
}

const s = minOf(storeSamples);
const b = minOf(baseSamples);
const round1 = (x: number) => Math.round(x * 10) / 10;
const result = {
  db: args.db ? 'postgres' : 'sqlite',
  events: rows.length,
  batch: batchSize,
  store_user_us: round1(s.user),
  store_system_us: round1(s.system),
  store_events_per_sec: Math.round(1e6 / s.wall),
  store_events_per_cpu_sec: Math.round(1e6 / (s.user + s.system)),
  baseline_user_us: round1(b.user),
  baseline_system_us: round1(b.system),
  baseline_events_per_sec: Math.round(1e6 / b.wall),
  store_over_baseline_cpu: round1((s.user + s.system) / (b.user + b.system)),
  ...(args.db ? {} : { sqlite_file_mb: Math.round(dbBytes / 1e5) / 10 }),
  load_average: round1(loadavg()[0]!),
  date: new Date().toISOString(),
};
if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else log(JSON.stringify(result, null, 2));
