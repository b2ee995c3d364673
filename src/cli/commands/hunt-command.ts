import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { Detector, normalizeEvent } from '../../sigma/index.js';
import {
  autoThreads, usefulThreads, HuntWorkers, csvHeader, formatCsv, formatJsonl, hunt, huntFormats, huntInThreads, huntInputs, isSigmaLevel, isSigmaStatus, loadRulePaths, parseTimeBound, sigmaLevels,
  sigmaStatuses, summaryRows, tableRow, type HuntDetection, type HuntFormat, type HuntOptions, type HuntSummary, type HuntRuleFilter, type HuntTimeRange, type MalformedEvent,
} from '../../hunt/index.js';
import { CliExit } from '../cli-exit.js';
import { LineWriter, parseFormat, renderTable, reportMalformed } from '../output.js';

/**
 * The shipped SigmaHQ rules: `content/sigma` at the package root, found by walking up from this
 * module so it works from `src/` (tsx) and from `dist/` alike.
 */
export function defaultRulesPath(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'content', 'sigma');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

interface HuntCliOptions {
  rules?: string[];
  minLevel?: string;
  status?: string[];
  tag?: string[];
  from?: string;
  to?: string;
  threads: string;
  format: string;
}

/** Most worker threads `--threads` takes: past the cores they only add rule loads. */
const maxThreads = 64;

/** `--threads`: `auto` (undefined) or a whole number of threads. */
function threadsOption(text: string): number | undefined {
  if (text.toLowerCase() === 'auto') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > maxThreads) throw new CliExit(2, `--threads takes auto or a whole number from 1 to ${maxThreads} (got ${JSON.stringify(text)})`);
  return n;
}

const collect = (v: string, acc: string[] = []): string[] => [...acc, v];

/** `--status`/`--tag` values: repeatable and comma-separated, trimmed, lower-cased. */
function listOption(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  return values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
}

/** The `--status`/`--tag` filter, or a usage error naming the bad value. */
function ruleFilter(opts: HuntCliOptions): HuntRuleFilter | undefined {
  const statuses = listOption(opts.status);
  const tags = listOption(opts.tag);
  if (statuses !== undefined) {
    const bad = statuses.find((s) => !isSigmaStatus(s));
    if (bad !== undefined || statuses.length === 0) throw new CliExit(2, `--status takes ${sigmaStatuses.join(', ')} (got ${JSON.stringify(bad ?? opts.status!.join(','))})`);
  }
  if (tags !== undefined && tags.length === 0) throw new CliExit(2, '--tag needs a tag, e.g. attack.credential-access or attack.t1003');
  if (statuses === undefined && tags === undefined) return undefined;
  return { ...(statuses ? { statuses } : {}), ...(tags ? { tags } : {}) };
}

/** The `--from`/`--to` window, or a usage error saying which bound is wrong and why. */
function timeRange(opts: HuntCliOptions): HuntTimeRange | undefined {
  const range: HuntTimeRange = {};
  for (const [flag, text, key] of [['--from', opts.from, 'from'], ['--to', opts.to, 'to']] as const) {
    if (text === undefined) continue;
    try {
      range[key] = parseTimeBound(text);
    } catch (err) {
      throw new CliExit(2, `${flag}: ${(err as Error).message}`);
    }
  }
  if (range.from !== undefined && range.to !== undefined && range.from >= range.to) throw new CliExit(2, `--from (${opts.from}) must be before --to (${opts.to})`);
  return range.from === undefined && range.to === undefined ? undefined : range;
}

/** `shieldwall hunt`: runs Sigma rules over log files and prints the detections. */
export function registerHuntCommand(program: Command): void {
  program
    .command('hunt')
    .description('hunt log files (.json, .ndjson/.jsonl, .gz, .zip, .evtx) with Sigma rules')
    .argument('<files...>', 'event files, or directories to search for them')
    .option('--rules <path>', 'rule file or directory (repeatable; default: the shipped content/sigma)', collect)
    .option('--min-level <level>', `lowest rule level reported (${sigmaLevels.join(', ')})`)
    .option('--status <list>', `report only rules of these statuses (${sigmaStatuses.join(', ')}; repeatable, comma-separated)`, collect)
    .option('--tag <tag>', 'report only rules with this tag or one below it, e.g. attack.t1003 (repeatable, comma-separated)', collect)
    .option('--from <time>', 'hunt only events from this time on (ISO 8601; UTC when no zone is given)')
    .option('--to <time>', 'hunt only events before this time (ISO 8601; UTC when no zone is given)')
    .option('--threads <n>', 'threads hunting files side by side, or auto: one per core when the input is large enough to repay their rule loads', 'auto')
    .option('--format <format>', `output: ${huntFormats.join(', ')}`, 'jsonl')
    .action(async (files: string[], opts: HuntCliOptions) => {
      const format = parseFormat(opts.format, huntFormats);
      const asked = threadsOption(opts.threads);
      const minLevel = opts.minLevel?.toLowerCase();
      if (minLevel !== undefined && !isSigmaLevel(minLevel)) {
        throw new CliExit(2, `--min-level must be one of ${sigmaLevels.join(', ')} (got ${JSON.stringify(opts.minLevel)})`);
      }
      const rules = ruleFilter(opts);
      const range = timeRange(opts);
      const rulePaths = opts.rules ?? [defaultRulesPath() ?? ''];
      if (rulePaths[0] === '') throw new CliExit(2, 'no --rules given and no shipped content/sigma directory found');
      const inputs = await huntInputs(files).catch((err: Error) => {
        throw new CliExit(2, err.message);
      });
      const threads = Math.min(asked ?? autoThreads(inputs.files, inputs.sizes, availableParallelism()), usefulThreads(inputs.files, inputs.sizes));
      // Started before this thread's own load, so their loads run beside it.
      let workers = threads > 1 ? HuntWorkers.start(threads - 1, rulePaths, range) : undefined;
      try {
        const loaded = await loadRulePaths(rulePaths).catch((err: Error) => {
          throw new CliExit(2, err.message);
        });
        const detector = new Detector({ ruleSet: loaded.ruleSet, correlations: loaded.correlations });
        const loadErrors = [...loaded.errors, ...detector.errors];
        if (loadErrors.length > 0) {
          process.stderr.write(`shieldwall: ${loadErrors.length} rule document(s) could not be loaded (see \`shieldwall rules check\`)\n`);
        }
        if (loaded.ruleSet.size === 0) throw new CliExit(1, `no rule could be loaded from ${rulePaths.join(', ')}`);
        if (workers !== undefined && detector.correlations().length > 0) {
          if (asked !== undefined) process.stderr.write(`shieldwall: ${detector.correlations().length} correlation rule(s) loaded: hunting in one thread, since their windows need the events in order\n`);
          await workers.terminate();
          workers = undefined;
        }
        const filters = { ...(minLevel !== undefined && isSigmaLevel(minLevel) ? { minLevel } : {}), ...(rules ? { rules } : {}), ...(range ? { range } : {}) };
        const pool = workers;
        const run: HuntRun = pool !== undefined
          ? (o) => huntInThreads(inputs.files, { ...o, threads, rulePaths, detector, sizes: inputs.sizes, workers: pool })
          : (o) => hunt(inputs.files, { ...o, engine: detector, normalize: normalizeEvent });
        await runHunt(run, inputs.bytes, format, filters);
      } finally {
        await workers?.terminate();
      }
    });
}

/** A hunt in one thread or several, given where its findings go. */
type HuntRun = (opts: Pick<HuntOptions, 'minLevel' | 'rules' | 'range' | 'onDetection' | 'onMalformed' | 'onBytes'>) => Promise<HuntSummary>;

async function runHunt(run: HuntRun, totalBytes: number, format: HuntFormat, filters: Pick<HuntOptions, 'minLevel' | 'rules' | 'range'>): Promise<void> {
  // `hunt … | head` closes the pipe early: that is a normal end for a filter, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const out = new LineWriter(process.stdout);
  const rows: Record<string, string>[] = [];
  const bar = process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: 'hunting [{bar}] {percentage}% | {value}/{total} bytes | {eta}s', hideCursor: true }) : undefined;
  bar?.start(totalBytes, 0);
  let read = 0;
  const malformed: MalformedEvent[] = [];
  if (format === 'csv') out.line(csvHeader());
  const onDetection = (d: HuntDetection) => {
    if (format === 'jsonl') out.line(formatJsonl(d));
    else if (format === 'csv') out.line(formatCsv(d));
    else rows.push(tableRow(d));
  };
  const summary = await run({
    ...filters,
    onDetection,
    onMalformed: (m) => malformed.push(m),
    onBytes: (n) => {
      read += n;
      bar?.update(read);
    },
  });
  bar?.stop();
  if (format === 'table') out.line(renderTable(rows, ['time', 'computer', 'level', 'rule', 'file', 'record', 'matched', 'author']).trimEnd());
  out.flush();
  // Machine-readable formats keep stdout clean: the summary goes to stderr.
  const summaryOut = format === 'table' ? process.stdout : process.stderr;
  reportMalformed(malformed);
  const { byRule, byLevel } = summaryRows(summary);
  summaryOut.write(`\nDetections by rule\n${renderTable(byRule, ['level', 'count', 'kind', 'id', 'title', 'author'])}`);
  summaryOut.write(`\nDetections by level\n${renderTable(byLevel, ['level', 'count'])}`);
  summaryOut.write(
    `\n${summary.files} file(s), ${summary.events} event(s), ${summary.malformed} malformed, ${summary.detections} detection(s)` +
      (summary.belowMinLevel > 0 ? `, ${summary.belowMinLevel} below --min-level` : '') +
      (summary.unselected > 0 ? `, ${summary.unselected} of rules left out by --status/--tag` : '') +
      (filters.range !== undefined ? `, ${summary.outOfRange} event(s) outside --from/--to, ${summary.untimed} without a time (hunted)` : '') +
      '\n',
  );
}
