import { Option, type Command } from 'commander';
import { roles, type Role, type TaxiiCollection } from '../../store/index.js';
import { CliExit } from '../cli-exit.js';
import { cliAuthority, withLocalStore } from '../local-store.js';
import { configFrom, withNodeOptions, type NodeOptions } from '../node-options.js';
import { parseFormat, printData } from '../output.js';

const orgIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** `--read a b --read c,d` → [a, b, c, d]. */
const orgList = (values: string[] | undefined): string[] => [...new Set((values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))];

function collectionRow(c: TaxiiCollection): Record<string, unknown> {
  return {
    id: c.id, title: c.title, description: c.description, org: c.orgId, read: c.readOrgs, write: c.writeOrgs,
    readRole: c.readRole, writeRole: c.writeRole, url: `/taxii2/api/collections/${c.id}/`,
  };
}

/** `shieldwall taxii collection create|list`: TAXII collections, administered locally on the node. */
export function registerTaxiiCommand(program: Command): void {
  const taxii = program.command('taxii').description('TAXII 2.1 server administration (served at /taxii2/)');
  const collection = taxii.command('collection').description('manage TAXII collections');

  withNodeOptions(collection.command('create').description('create a collection owned by an organisation'))
    .requiredOption('--title <title>', 'collection title')
    .requiredOption('--org <org>', 'owning organisation (reads and writes; created if it does not exist)')
    .option('--read <org...>', 'organisations that may read (besides the owner)')
    .option('--write <org...>', 'organisations that may add objects (besides the owner)')
    .option('--description <text>', 'description')
    .addOption(new Option('--read-role <role>', 'lowest role that may read').choices([...roles]).default('viewer'))
    .addOption(new Option('--write-role <role>', 'lowest role that may write').choices([...roles]).default('analyst'))
    .option('--format <format>', 'json or table', 'table')
    .action(
      async (
        opts: NodeOptions & { title: string; org: string; read?: string[]; write?: string[]; description?: string; readRole: Role; writeRole: Role; format: string },
      ) => {
        const format = parseFormat(opts.format, ['json', 'table'] as const);
        const readOrgs = orgList(opts.read);
        const writeOrgs = orgList(opts.write);
        for (const id of [opts.org, ...readOrgs, ...writeOrgs]) {
          if (!orgIdPattern.test(id)) throw new CliExit(2, `organisation ids must match ${orgIdPattern} (got ${JSON.stringify(id)})`);
        }
        if (opts.title.trim() === '') throw new CliExit(2, '--title must not be empty');
        await withLocalStore(configFrom(opts), async (store) => {
          const authority = store.scoped(cliAuthority(`create TAXII collection for ${opts.org}`));
          if (!(await authority.organisations.get(opts.org))) {
            await authority.organisations.create({ id: opts.org, name: opts.org, parentId: null });
            process.stderr.write(`created organisation ${opts.org}\n`);
          }
          // A grant to a mistyped organisation would silently share with nobody: refuse it.
          for (const id of [...readOrgs, ...writeOrgs]) {
            if (!(await authority.organisations.get(id))) throw new CliExit(1, `organisation ${id} not found (create it first: shieldwall org create --id ${id})`);
          }
          const created = await authority.intel.collections.create({
            orgId: opts.org, title: opts.title, description: opts.description ?? null, readOrgs, writeOrgs, readRole: opts.readRole, writeRole: opts.writeRole,
          });
          printData(collectionRow(created), format, ['id', 'title', 'org', 'read', 'write', 'url']);
        });
      },
    );

  withNodeOptions(collection.command('list').description('list collections'))
    .option('--org <org>', 'only the collections this organisation can see')
    .option('--format <format>', 'json or table', 'table')
    .action(async (opts: NodeOptions & { org?: string; format: string }) => {
      const format = parseFormat(opts.format, ['json', 'table'] as const);
      await withLocalStore(configFrom(opts), async (store) => {
        const scope = cliAuthority('list TAXII collections');
        const items = await store.scoped(opts.org ? { ...scope, orgId: opts.org } : scope).intel.collections.list();
        printData(items.map(collectionRow), format, ['id', 'title', 'org', 'read', 'write', 'readRole', 'writeRole']);
      });
    });
}
