import type { Command } from 'commander';
import { createStore } from '../../store/index.js';
import { mkdirSync } from 'node:fs';
import { configFrom, oneLineErrors, withNodeOptions, type NodeOptions } from '../node-options.js';
import { parseFormat, printData } from '../output.js';

/** `shieldwall migrate`: applies pending database migrations and reports them. */
export function registerMigrateCommand(program: Command): void {
  withNodeOptions(program.command('migrate').description('apply pending database migrations'))
    .option('--format <format>', 'json or table', 'table')
    .action(async (opts: NodeOptions & { format: string }) => {
      const format = parseFormat(opts.format, ['json', 'table'] as const);
      const config = configFrom(opts);
      if (config.db.url.startsWith('sqlite:')) mkdirSync(config.dataDir, { recursive: true });
      await oneLineErrors(async () => {
        const store = await createStore(config.db.url);
        try {
          const report = await store.migrate();
          printData({ dialect: store.dialect, applied: report.applied, current: report.current }, format);
        } finally {
          await store.close();
        }
      });
    });
}
