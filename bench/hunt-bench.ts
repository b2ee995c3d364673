/**
 * `npm run bench:hunt [-- --threads N] [--rounds N] [--limit FILES] [--one-file] [--json]`: the speed of
 * `shieldwall hunt` over the Security-Datasets files (../shared/testdata/security-datasets, 162
 * `.ndjson.gz`, 736 k Windows events) with every shipped SigmaHQ rule, in one process:
 *   - read only: reading, decompressing and parsing every event, no detection (the floor);
 *   - one thread: `hunt`, the rules already loaded (as the CLI has them);
 *   - N threads: `huntInThreads` (this thread and N - 1 workers), the workers' start-up and their
 *     own rule loads included.
 * `--one-file` first writes the events of those files into one uncompressed NDJSON file and hunts
 * that instead: the N-thread hunt then splits the file into parts by lines.
 * Rounds alternate the order of the two hunts. Both must report the same detections. Last line
 * with --json: {"files","events","cores","threads","read_only_ms","one_thread_ms","threaded_ms",
 * "one_thread_events_per_sec","threaded_events_per_sec","speedup","detections"} (medians).
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hunt, huntInThreads, huntInputs, loadRulePaths, readEventBatches, type HuntSummary } from '../src/hunt/index.js';
import { Detector, normalizeEvent } from '../src/sigma/index.js';
import { benchOption } from './bench-option.js';
import { median } from './median.js';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const cores = availableParallelism();
const threads = benchOption(args, '--threads', cores);
const rounds = benchOption(args, '--rounds', 2);
const limit = benchOption(args, '--limit', Infinity);
const oneFile = args.includes('--one-file');
const shared = resolve(process.cwd(), '../shared');
const datasets = join(shared, 'testdata/security-datasets/datasets');
const rulesPath = join(shared, 'content/sigma');
const log = (s: string) => process.stderr.write(s + '\n');
if (!existsSync(datasets) || !existsSync(rulesPath)) {
  log(`bench:hunt needs ${datasets} and ${rulesPath}`);
  process.exit(2);
}

const inputs = await huntInputs([datasets]);
let files = inputs.files.slice(0, limit);
let sizes = inputs.sizes.slice(0, limit);
if (oneFile) {
  // The same events as one NDJSON file, which a hunt in threads splits into parts by lines.
  const dir = mkdtempSync(join(tmpdir(), 'shieldwall-bench-hunt-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'all.ndjson');
  const out = createWriteStream(path);
  for (const f of files) {
    for await (const b of readEventBatches(f)) {
      const text = b.events.map((e) => JSON.stringify(e.raw)).join('\n');
      if (text !== '' && !out.write(text + '\n')) await once(out, 'drain');
    }
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  files = [path];
  sizes = [statSync(path).size];
  log(`one file: ${(sizes[0]! / 2 ** 20).toFixed(0)} MB of NDJSON`);
}
const loaded = await loadRulePaths([rulesPath]);
const detector = new Detector({ ruleSet: loaded.ruleSet, correlations: loaded.correlations });
log(`${files.length} files, ${loaded.ruleSet.size} rules, ${cores} cores, ${threads} threads`);

async function readOnly(): Promise<number> {
  let events = 0;
  for (const f of files) for await (const b of readEventBatches(f)) events += b.events.length;
  return events;
}

const timed = async <T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
};
const noop = (): void => {};
const runs = { read: [] as number[], one: [] as number[], many: [] as number[] };
let events = 0;
let detections = -1;
const check = (s: HuntSummary, label: string): void => {
  if (detections >= 0 && s.detections !== detections) log(`warning: ${label} found ${s.detections} detections, earlier runs ${detections}`);
  detections = s.detections;
  events = s.events;
};
for (let r = 0; r < rounds; r++) {
  const read = await timed(readOnly);
  runs.read.push(read.ms);
  const one = () => timed(() => hunt(files, { engine: detector, normalize: normalizeEvent, onDetection: noop }));
  const many = () => timed(() => huntInThreads(files, { threads, rulePaths: [rulesPath], detector, sizes, onDetection: noop }));
  for (const which of r % 2 === 0 ? (['one', 'many'] as const) : (['many', 'one'] as const)) {
    const res = await (which === 'one' ? one() : many());
    runs[which].push(res.ms);
    check(res.value, which === 'one' ? 'one thread' : `${threads} threads`);
  }
  log(`round ${r + 1}: read only ${runs.read[r]!.toFixed(0)} ms, one thread ${runs.one[r]!.toFixed(0)} ms, ${threads} threads ${runs.many[r]!.toFixed(0)} ms (${read.value} events, ${detections} detections)`);
}
const result = {
  files: files.length,
  events,
  cores,
  threads,
  read_only_ms: Math.round(median(runs.read)),
  one_thread_ms: Math.round(median(runs.one)),
  threaded_ms: Math.round(median(runs.many)),
  one_thread_events_per_sec: Math.round(events / (median(runs.one) / 1000)),
  threaded_events_per_sec: Math.round(events / (median(runs.many) / 1000)),
  speedup: Math.round((median(runs.one) / median(runs.many)) * 100) / 100,
  detections,
};
log(`median: one thread ${result.one_thread_events_per_sec} events/s, ${threads} threads ${result.threaded_events_per_sec} events/s, speedup ${result.speedup}×`);
if (asJson) console.log(JSON.stringify(result));
