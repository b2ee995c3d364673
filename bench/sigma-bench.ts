/**
 * Sigma benchmark (`npm run bench:sigma -- [--json] [--limit N] [--rounds N] [--chunk N]`): loads
 * every SigmaHQ rule folder of `../shared/content/sigma`, holds the Windows events of
 * `../shared/testdata/security-datasets` as lines in memory, then times on one thread, after a
 * warm-up pass, in each of `--rounds` rounds (default 3):
 *   (a) JSON.parse of every line, and
 *   (b) JSON.parse + normalizeEvent + Detector.process of every line (then Detector.flush).
 * Since the eleventh session the two passes of a round are interleaved chunk by chunk (`--chunk`
 * lines, default 8,192; the order alternating per chunk): (a) over a chunk, (b) over the same
 * chunk, then the next; each pass's time is the sum over its chunks. Timed one whole pass after
 * the other, a neighbour's job on the shared VM that ran during one of them moved a round's ratio
 * by 10–20 % (2.71–3.33 in one run); interleaved, both passes share the slow minutes. `--chunk 0`
 * times them one after the other as before. The figures reported are those of the round whose
 * ratio b/a is the median. Every round's figures are printed on stderr.
 * With `--json` the last line is the result object (keys fixed by issue 3).
 * `--by-logsource` and `--stages` add, after the rounds, the breakdowns of `sigma-breakdown.ts`
 * (the ratio per logsource; the cost of each step of the detection loop), printed on stderr.
 * The npm script compiles this file and what it imports with tsc (`tsconfig.bench.json`, output
 * in `dist/bench`, incremental) and runs the JavaScript, as production does: under tsx the
 * transpiler's loader thread added ~30 MB to the resident size and its helpers ran in the code.
 */
import { join, resolve } from 'node:path';
import { eventTime } from '../src/hunt/event-time.js';
import { loadRulePaths } from '../src/hunt/rule-loader.js';
import { Detector, normalizeEvent } from '../src/sigma/index.js';
import { lineAt, readLines } from './bench-lines.js';
import { benchOption } from './bench-option.js';
import { ndjsonGzFiles } from './ndjson-gz-files.js';
import { byLogsource, logsourceTable, stages, stageTable, type BreakdownInput } from './sigma-breakdown.js';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const limitAt = args.indexOf('--limit');
const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : Infinity;
if (limitAt >= 0 && !(limit > 0)) {
  process.stderr.write('--limit needs a positive number\n');
  process.exit(2);
}
const rounds = benchOption(args, '--rounds', 3);
const chunkAt = args.indexOf('--chunk');
const chunkArg = chunkAt >= 0 ? Number(args[chunkAt + 1]) : 8192;
if (!Number.isInteger(chunkArg) || chunkArg < 0) {
  process.stderr.write('--chunk needs a whole number (0: the two passes one after the other)\n');
  process.exit(2);
}
const breakdowns = { byLogsource: args.includes('--by-logsource'), stages: args.includes('--stages') };
const shared = resolve(process.cwd(), '../shared');
const log = (s: string) => process.stderr.write(s + '\n');

// --- load ---------------------------------------------------------------------------------
// RSS before loading: the runtime and the imported modules, shown for context.
const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
const t0 = performance.now();
// CPU time of the load too (all threads): on this shared VM wall time moves with the others' jobs.
const cpu0 = process.cpuUsage();
const loaded = await loadRulePaths([join(shared, 'content/sigma')]);
const detector = new Detector({ ruleSet: loaded.ruleSet, correlations: loaded.correlations });
const loadMs = performance.now() - t0;
const loadCpu = process.cpuUsage(cpu0);
const rssMb = process.memoryUsage().rss / 2 ** 20;
const rulesFailed = loaded.errors.length + detector.errors.length;
log(`rules: ${loaded.ruleSet.size} loaded, ${detector.correlations().length} correlations, ${rulesFailed} failed, ${loaded.files} files, ${loadMs.toFixed(0)} ms (CPU ${((loadCpu.user + loadCpu.system) / 1000).toFixed(0)} ms), RSS ${rssMb.toFixed(1)} MB (${rssBeforeMb.toFixed(1)} MB before loading rules)`);

// --- events in memory ---------------------------------------------------------------------
const lines = readLines(ndjsonGzFiles(join(shared, 'testdata/security-datasets/datasets')), limit);
log(`events: ${lines.count} lines in memory (${lines.text.length} files)`);

function parseOnly(from: number, to: number): number {
  let keys = 0;
  for (let i = from; i < to; i++) keys += (JSON.parse(lineAt(lines, i)) as object) === null ? 0 : 1;
  return keys;
}

function detect(from: number, to: number): number {
  let detections = 0;
  for (let i = from; i < to; i++) {
    const raw = JSON.parse(lineAt(lines, i)) as Record<string, unknown>;
    detections += detector.process(normalizeEvent(raw), eventTime(raw)).length;
  }
  return detections;
}

// Warm-up: let the JIT see both loops before timing.
const warm = Math.min(lines.count, 20_000);
parseOnly(0, warm);
detect(0, warm);
detector.flush();

interface Round {
  parseMs: number;
  detectMs: number;
  detections: number;
}
/** CPU time (user + system) of this process since `from`, in ms: what a neighbour's job on the host does not add to. */
const cpuMs = (from: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
};
const done: Round[] = [];
const chunk = chunkArg === 0 ? lines.count : chunkArg;
for (let r = 0; r < rounds; r++) {
  let parseMs = 0;
  let parseCpu = 0;
  let detectMs = 0;
  let detectCpu = 0;
  let matched = 0;
  for (let from = 0, c = 0; from < lines.count; from += chunk, c++) {
    const to = Math.min(lines.count, from + chunk);
    for (const pass of (c + r) % 2 === 0 ? ['parse', 'detect'] : ['detect', 'parse']) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      if (pass === 'parse') {
        parseOnly(from, to);
        parseMs += performance.now() - t;
        parseCpu += cpuMs(cpu);
      } else {
        matched += detect(from, to);
        detectMs += performance.now() - t;
        detectCpu += cpuMs(cpu);
      }
    }
  }
  // Flushing ends the round's correlation windows, so every round starts from the same state.
  done.push({ parseMs, detectMs, detections: matched + detector.flush().length });
  log(`round ${r + 1}: parse ${parseMs.toFixed(0)} ms, parse + detection ${detectMs.toFixed(0)} ms, ratio ${(detectMs / parseMs).toFixed(2)} (CPU time ${parseCpu.toFixed(0)} / ${detectCpu.toFixed(0)} ms, ${(detectCpu / parseCpu).toFixed(2)}), ${done[r]!.detections} detections`);
}
if (new Set(done.map((d) => d.detections)).size > 1) log('warning: the rounds found different numbers of detections');
const median = done.slice().sort((a, b) => a.detectMs / a.parseMs - b.detectMs / b.parseMs)[(done.length - 1) >> 1]!;
const { parseMs, detectMs, detections } = median;

const result = {
  rules_loaded: loaded.ruleSet.size,
  rules_failed: rulesFailed,
  events: lines.count,
  load_ms: Math.round(loadMs),
  rss_mb: Math.round(rssMb * 10) / 10,
  events_per_sec: Math.round(lines.count / (detectMs / 1000)),
  parse_only_events_per_sec: Math.round(lines.count / (parseMs / 1000)),
  detect_over_parse_ratio: Math.round((detectMs / parseMs) * 100) / 100,
};
log(`median round: parse only ${parseMs.toFixed(0)} ms, ${result.parse_only_events_per_sec} events/s`);
log(`median round: parse + detection ${detectMs.toFixed(0)} ms, ${result.events_per_sec} events/s, ${detections} detections`);
log(`ratio (parse+detect)/parse: ${result.detect_over_parse_ratio}`);

if (breakdowns.byLogsource || breakdowns.stages) {
  const input: BreakdownInput = { count: lines.count, lineAt: (i) => lineAt(lines, i), normalize: normalizeEvent, time: eventTime, detector, log };
  if (breakdowns.stages) log(`\nstages of the detection loop (median of ${rounds} rounds):\n${stageTable(stages(input, rounds))}`);
  if (breakdowns.byLogsource) log(`\nby logsource (median of ${rounds} rounds; groups under 0.1 % of the events as "other"):\n${logsourceTable(byLogsource(input, rounds))}`);
}
if (asJson) process.stdout.write(JSON.stringify(result) + '\n');
