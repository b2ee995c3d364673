/**
 * `npm run bench:evtx [-- --copies N] [--rounds N] [--json]`: the speed of reading `.evtx` logs.
 *
 * The SigmaHQ regression logs (../shared/testdata/sigma-regression, 142 files) hold one to seven
 * records per 64 KB chunk, where Windows writes 50–200, so a chunk's one-off costs (its templates)
 * would swamp the per-record ones. The benchmark first builds one log of real density from them:
 * every chunk packed with its own records repeated (`packEvtxChunk`: they then refer to the
 * templates their first copy defined, as in a real log), the packed chunks written `--copies`
 * times (default 8) into a temporary `.evtx`. Then, in one process, per round (default 3):
 *   - decode: `readEventBatches` of the file, as `hunt` reads it (our binary XML decoder →
 *     evtx_dump-shaped objects);
 *   - JSON.parse baseline: the same events as NDJSON lines (JSON.stringify of what decode gave,
 *     built before this pass and dropped after it), parsed with JSON.parse: what reading these
 *     events costs from a JSON export;
 *   - @ts-evtx/core baseline: `renderXml` of each record and `evtxXmlToJson` of the XML (the
 *     reader until 2026-11-27), over the first `--library-chunks` chunks (default 100: it is slow)
 *     of one copy of the packed chunks (it refuses files over 100 MB);
 *   - hunt: `hunt` of the file with every shipped SigmaHQ rule, one thread;
 *   - threaded hunt: `huntInThreads` of the same file, which splits it by chunks over `--threads`
 *     (default: the cores) threads, the workers' start and rule loads included.
 * Last line with --json: {"records","file_mb","decode_records_per_sec","json_parse_records_per_sec",
 * "library_records_per_sec","hunt_events_per_sec","threads","threaded_hunt_events_per_sec","detections"} (medians).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EvtxFile } from '@ts-evtx/core';
import { evtxChunks } from '../src/evtx/index.js';
import { packEvtxLog } from '../src/evtx/pack-evtx-chunk.js';
import { evtxXmlToJson } from '../src/hunt/evtx-xml-to-json.js';
import { hunt, huntInputs, huntInThreads, loadRulePaths, readEventBatches, readEvents } from '../src/hunt/index.js';
import { Detector, normalizeEvent } from '../src/sigma/index.js';
import { benchOption } from './bench-option.js';
import { median } from './median.js';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const copies = benchOption(args, '--copies', 8);
const rounds = benchOption(args, '--rounds', 3);
const libraryChunks = benchOption(args, '--library-chunks', 100);
const threads = benchOption(args, '--threads', availableParallelism());
const shared = resolve(process.cwd(), '../shared');
const regression = join(shared, 'testdata/sigma-regression/regression_data');
const rulesPath = join(shared, 'content/sigma');
const log = (s: string) => process.stderr.write(s + '\n');
if (!existsSync(regression) || !existsSync(rulesPath)) {
  log(`bench:evtx needs ${regression} and ${rulesPath}`);
  process.exit(2);
}

// --- the log of real density ------------------------------------------------------------------
const sources = (await huntInputs([regression])).files.filter((f) => f.endsWith('.evtx'));
const logs = sources.map((f) => readFileSync(f));
let packedLog: Uint8Array;
try {
  packedLog = packEvtxLog(logs, copies);
} catch (err) {
  log(`--copies ${copies}: ${(err as Error).message}`);
  process.exit(2);
}
const packedChunks = evtxChunks(packedLog).length / copies;
const dir = mkdtempSync(join(tmpdir(), 'shieldwall-bench-evtx-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'packed.evtx');
writeFileSync(file, packedLog);
// @ts-evtx/core refuses files over 100 MB: its baseline reads one copy of the packed chunks.
const libraryFile = join(dir, 'packed-once.evtx');
writeFileSync(libraryFile, packEvtxLog(logs, 1));
const fileMb = statSync(file).size / 2 ** 20;

const loaded = await loadRulePaths([rulesPath]);
const detector = new Detector({ ruleSet: loaded.ruleSet, correlations: loaded.correlations });
log(`${sources.length} regression logs → ${packedChunks} packed chunks × ${copies} = ${fileMb.toFixed(1)} MB; ${loaded.ruleSet.size} rules`);

// --- passes -------------------------------------------------------------------------------------
// The JSON baseline's lines: the decoded events, stringified before its pass and dropped after
// it, so that no other pass runs with ~100 MB more of the heap to mark (GC took 11 % of the
// decoding when they stayed).
let lines: string[] = [];
async function buildLines(): Promise<number> {
  lines = [];
  for await (const e of readEvents(file, { onMalformed: (m) => log(`malformed: ${m.message}`) })) lines.push(JSON.stringify(e.raw));
  return lines.length;
}
const records = await buildLines();
lines = [];

/** Batches, as `hunt` reads them. */
async function decode(): Promise<number> {
  let n = 0;
  for await (const b of readEventBatches(file)) n += b.events.length;
  return n;
}

function parse(): number {
  let n = 0;
  for (const l of lines) n += (JSON.parse(l) as object) === null ? 0 : 1;
  return n;
}

function library(): number {
  let n = 0;
  let c = 0;
  for (const chunk of EvtxFile.openSync(libraryFile).chunks()) {
    if (c++ >= libraryChunks) break;
    for (const r of chunk.records()) {
      evtxXmlToJson(r.renderXml());
      n++;
    }
  }
  return n;
}

const rate = async (f: () => number | Promise<number>): Promise<{ n: number; ms: number }> => {
  const t = performance.now();
  const n = await f();
  return { n, ms: performance.now() - t };
};
const runs = { decode: [] as number[], parse: [] as number[], library: [] as number[], hunt: [] as number[], threaded: [] as number[] };
let detections = -1;
for (let r = 0; r < rounds; r++) {
  const d = await rate(decode);
  await buildLines();
  const p = await rate(parse);
  lines = [];
  const l = await rate(library);
  let events = 0;
  const h = await rate(async () => {
    const s = await hunt([file], { engine: detector, normalize: normalizeEvent, onDetection: () => {} });
    if (detections >= 0 && s.detections !== detections) log(`warning: round ${r + 1} found ${s.detections} detections, earlier rounds ${detections}`);
    detections = s.detections;
    return (events = s.events);
  });
  // The same file hunted in parts (by chunks) by every core: the workers' start and rule loads included.
  const m = await rate(async () => {
    const s = await huntInThreads([file], { threads, rulePaths: [rulesPath], detector, onDetection: () => {} });
    if (s.detections !== detections) log(`warning: ${threads} threads found ${s.detections} detections, one thread ${detections}`);
    return s.events;
  });
  runs.threaded.push((m.n / m.ms) * 1000);
  runs.decode.push((d.n / d.ms) * 1000);
  runs.parse.push((p.n / p.ms) * 1000);
  runs.library.push((l.n / l.ms) * 1000);
  runs.hunt.push((h.n / h.ms) * 1000);
  log(`round ${r + 1}: decode ${d.ms.toFixed(0)} ms (${d.n} records), JSON.parse ${p.ms.toFixed(0)} ms, @ts-evtx/core ${l.ms.toFixed(0)} ms (${l.n} records), hunt ${h.ms.toFixed(0)} ms (${events} events, ${detections} detections), ${threads} threads ${m.ms.toFixed(0)} ms`);
}
const result = {
  records,
  file_mb: Math.round(fileMb * 10) / 10,
  decode_records_per_sec: Math.round(median(runs.decode)),
  json_parse_records_per_sec: Math.round(median(runs.parse)),
  library_records_per_sec: Math.round(median(runs.library)),
  hunt_events_per_sec: Math.round(median(runs.hunt)),
  threads,
  threaded_hunt_events_per_sec: Math.round(median(runs.threaded)),
  detections,
};
log(`median: decode ${result.decode_records_per_sec} records/s (${(result.decode_records_per_sec / result.library_records_per_sec).toFixed(1)}× @ts-evtx/core, ${(result.json_parse_records_per_sec / result.decode_records_per_sec).toFixed(2)}× slower than JSON.parse of the same events), hunt ${result.hunt_events_per_sec} events/s, ${threads} threads ${result.threaded_hunt_events_per_sec} events/s`);
if (asJson) console.log(JSON.stringify(result));
