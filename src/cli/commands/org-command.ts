import type { Command } from 'commander';
import { CliExit } from '../cli-exit.js';
import { cliAuthority, withLocalStore } from '../local-store.js';
import { configFrom, withNodeOptions, type NodeOptions } from '../node-options.js';
import { parseFormat, printData } from '../output.js';

/** `shieldwall org create|list`: member organisations, administered locally on the node. */
export function registerOrgCommand(program: Command): void {
  const org = program.command('org').description('manage member organisations');

  withNodeOptions(org.command('create').description('create an organisation'))
    .requiredOption('--id <id>', 'organisation id (lower-case letters, digits, dashes)')
    .option('--name <name>', 'display name (default: the id)')
    .option('--parent <id>', 'parent organisation')
    .option('--format <format>', 'json or table', 'table')
    .action(async (opts: NodeOptions & { id: string; name?: string; parent?: string; format: string }) => {
      const format = parseFormat(opts.format, ['json', 'table'] as const);
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(opts.id)) throw new CliExit(2, `--id must be lower-case letters, digits and dashes (got ${JSON.stringify(opts.id)})`);
      await withLocalStore(configFrom(opts), async (store) => {
        const scoped = store.scoped(cliAuthority(`create organisation ${opts.id}`));
        if (await scoped.organisations.get(opts.id)) throw new CliExit(1, `organisation ${opts.id} already exists`);
        if (opts.parent && !(await scoped.organisations.get(opts.parent))) throw new CliExit(1, `parent organisation ${opts.parent} not found`);
        const created = await scoped.organisations.create({ id: opts.id, name: opts.name ?? opts.id, parentId: opts.parent ?? null });
        printData(created as unknown as Record<string, unknown>, format);
      });
    });

  withNodeOptions(org.command('list').description('list organisations'))
    .option('--format <format>', 'json or table', 'table')
    .action(async (opts: NodeOptions & { format: string }) => {
      const format = parseFormat(opts.format, ['json', 'table'] as const);
      await withLocalStore(configFrom(opts), async (store) => {
        const items = await store.scoped(cliAuthority('list organisations')).organisations.list();
        printData(items as unknown as Record<string, unknown>[], format, ['id', 'name', 'parentId', 'createdAt']);
      });
    });
}
