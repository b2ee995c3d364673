import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { Detector, normalizeEvent } from '../../sigma/index.js';
import {
  csvHeader, formatCsv, formatJsonl, hunt, huntFormats, isSigmaLevel, loadRulePaths, sigmaLevels, summaryRows, tableRow,
  type HuntDetection, type HuntFormat, type MalformedEvent,
} from '../../hunt/index.js';
import { CliExit } from '../cli-exit.js';
import { parseFormat, renderTable } from '../output.js';

/** Malformed events listed one by one before only a count is kept. */
const MALFORMED_SHOWN = 20;

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

/** Buffers stdout writes: one syscall per ~64 KB instead of one per detection. */
class LineWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly out: NodeJS.WritableStream) {}
  line(text: string): void {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size > 65536) this.flush();
  }
  flush(): void {
    if (this.parts.length > 0) this.out.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

interface HuntCliOptions {
  rules?: string[];
  minLevel?: string;
  format: string;
}

/** `shieldwall hunt`: runs Sigma rules over log files and prints the detections. */
export function registerHuntCommand(program: Command): void {
  program
    .command('hunt')
    .description('hunt log files (.json, .ndjson/.jsonl, .gz, .zip, .evtx) with Sigma rules')
    .argument('<files...>', 'event files')
    .option('--rules <path>', 'rule file or directory (repeatable; default: the shipped content/sigma)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--min-level <level>', `lowest rule level reported (${sigmaLevels.join(', ')})`)
    .option('--format <format>', `output: ${huntFormats.join(', ')}`, 'jsonl')
    .action(async (files: string[], opts: HuntCliOptions) => {
      const format = parseFormat(opts.format, huntFormats);
      const minLevel = opts.minLevel?.toLowerCase();
      if (minLevel !== undefined && !isSigmaLevel(minLevel)) {
        throw new CliExit(2, `--min-level must be one of ${sigmaLevels.join(', ')} (got ${JSON.stringify(opts.minLevel)})`);
      }
      const rulePaths = opts.rules ?? [defaultRulesPath() ?? ''];
      if (rulePaths[0] === '') throw new CliExit(2, 'no --rules given and no shipped content/sigma directory found');
      let totalBytes = 0;
      for (const f of files) {
        const info = await stat(f).catch(() => undefined);
        if (!info?.isFile()) throw new CliExit(2, `input file ${JSON.stringify(f)} does not exist or is not a file`);
        totalBytes += info.size;
      }
      const loaded = await loadRulePaths(rulePaths).catch((err: Error) => {
        throw new CliExit(2, err.message);
      });
      const detector = new Detector({ ruleSet: loaded.ruleSet, correlations: loaded.correlations });
      const loadErrors = [...loaded.errors, ...detector.errors];
      if (loadErrors.length > 0) {
        process.stderr.write(`shieldwall: ${loadErrors.length} rule document(s) could not be loaded (see \`shieldwall rules check\`)\n`);
      }
      if (loaded.ruleSet.size === 0) throw new CliExit(1, `no rule could be loaded from ${rulePaths.join(', ')}`);
      await runHunt(files, totalBytes, format, minLevel, detector);
    });
}

async function runHunt(files: string[], totalBytes: number, format: HuntFormat, minLevel: string | undefined, detector: Detector): Promise<void> {
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
  const summary = await hunt(files, {
    engine: detector,
    normalize: normalizeEvent,
    ...(minLevel !== undefined && isSigmaLevel(minLevel) ? { minLevel } : {}),
    onDetection,
    onMalformed: (m) => malformed.push(m),
    onBytes: (n) => {
      read += n;
      bar?.update(read);
    },
  });
  bar?.stop();
  if (format === 'table') out.line(renderTable(rows, ['level', 'rule', 'file', 'record', 'matched', 'author']).trimEnd());
  out.flush();
  // Machine-readable formats keep stdout clean: the summary goes to stderr.
  const summaryOut = format === 'table' ? process.stdout : process.stderr;
  for (const m of malformed.slice(0, MALFORMED_SHOWN)) {
    const where = [m.record !== undefined ? `record ${m.record}` : '', m.line !== undefined ? `line ${m.line}` : '', m.offset !== undefined ? `offset ${m.offset}` : ''].filter(Boolean).join(', ');
    process.stderr.write(`malformed event: ${m.file}${where ? ` (${where})` : ''}: ${m.message}\n`);
  }
  if (malformed.length > MALFORMED_SHOWN) process.stderr.write(`… and ${malformed.length - MALFORMED_SHOWN} more malformed events\n`);
  const { byRule, byLevel } = summaryRows(summary);
  summaryOut.write(`\nDetections by rule\n${renderTable(byRule, ['level', 'count', 'kind', 'id', 'title', 'author'])}`);
  summaryOut.write(`\nDetections by level\n${renderTable(byLevel, ['level', 'count'])}`);
  summaryOut.write(
    `\n${summary.files} file(s), ${summary.events} event(s), ${summary.malformed} malformed, ${summary.detections} detection(s)` +
      (summary.belowMinLevel > 0 ? `, ${summary.belowMinLevel} below --min-level` : '') + '\n',
  );
}
