import type { Command } from 'commander';
import { huntInputs, readEventBatches, type MalformedEvent } from '../../hunt/index.js';
import { normalizeEvent } from '../../sigma/index.js';
import { CliExit } from '../cli-exit.js';
import { LineWriter, reportMalformed } from '../output.js';

interface DumpCliOptions {
  sigma?: boolean;
  limit?: string;
}

/**
 * `shieldwall dump FILE|DIR…`: the events of log files as JSON lines, read as `hunt` reads them
 * (`.evtx`, `.json`, `.ndjson`/`.jsonl`, `.gz` and `.zip` of those, directories). By default each
 * line is `{"file","record","event"}` with the event as read (EVTX records in the evtx_dump
 * layout); with `--sigma`, `{"file","record","logsource","fields"}`: what the Sigma rules see after
 * the field mapping. For looking into a log, converting EVTX to JSON, or finding out why a rule
 * does not fire.
 */
export function registerDumpCommand(program: Command): void {
  program
    .command('dump')
    .description('print the events of log files as JSON lines (EVTX → evtx_dump JSON; --sigma: the fields and logsource rules see)')
    .argument('<inputs...>', 'files or directories: .evtx, .json, .ndjson/.jsonl, .gz and .zip of those')
    .option('--sigma', 'print the Sigma view of each event: logsource and mapped fields')
    .option('--limit <n>', 'stop after n events')
    .action(async (paths: string[], opts: DumpCliOptions) => {
      const limit = opts.limit === undefined ? Infinity : Number(opts.limit);
      if (!(Number.isInteger(limit) && limit > 0) && limit !== Infinity) throw new CliExit(2, `--limit takes a whole number from 1 (got ${JSON.stringify(opts.limit)})`);
      const inputs = await huntInputs(paths).catch((err: Error) => {
        throw new CliExit(2, err.message);
      });
      // `dump … | head` closes the pipe early: a normal end for a filter.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      const out = new LineWriter(process.stdout);
      const malformed: MalformedEvent[] = [];
      let events = 0;
      try {
        files: for (const path of inputs.files) {
          for await (const batch of readEventBatches(path)) {
            malformed.push(...batch.malformed);
            for (const { file, record, raw } of batch.events) {
              if (events >= limit) break files;
              events++;
              if (!opts.sigma) {
                out.line(JSON.stringify({ file, record, event: raw }));
                continue;
              }
              const e = normalizeEvent(raw);
              out.line(JSON.stringify({ file, record, logsource: e.logsource, fields: e.fields }));
            }
          }
        }
      } catch (err) {
        out.flush();
        throw new CliExit(1, (err as Error).message);
      }
      out.flush();
      reportMalformed(malformed);
      process.stderr.write(`${events} event(s) from ${inputs.files.length} file(s), ${malformed.length} malformed\n`);
    });
}
