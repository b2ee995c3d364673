import { Option, type Command } from 'commander';
import { issueApiToken } from '../../governance/index.js';
import { orgScope, roles, type Role } from '../../store/index.js';
import { CliExit } from '../cli-exit.js';
import { cliAuthority, withLocalStore } from '../local-store.js';
import { configFrom, withNodeOptions, type NodeOptions } from '../node-options.js';
import { parseFormat, printData } from '../output.js';

const orgIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** `shieldwall token create|list|revoke`: API tokens, administered locally on the node. */
export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('manage API tokens');

  withNodeOptions(token.command('create').description('create an API token (printed once; stored hashed)'))
    .requiredOption('--org <org>', 'organisation id (created if it does not exist)')
    .addOption(new Option('--role <role>', 'role').choices([...roles]).makeOptionMandatory())
    .option('--name <name>', 'label for the token')
    .option('--expires-in-days <days>', 'expiry in days (default: never)')
    .option('--format <format>', 'json or table', 'table')
    .action(async (opts: NodeOptions & { org: string; role: Role; name?: string; expiresInDays?: string; format: string }) => {
      const format = parseFormat(opts.format, ['json', 'table'] as const);
      if (!orgIdPattern.test(opts.org)) throw new CliExit(2, `--org must match ${orgIdPattern} (got ${JSON.stringify(opts.org)})`);
      let expiresAt: number | null = null;
      if (opts.expiresInDays !== undefined) {
        const days = Number(opts.expiresInDays);
        if (!Number.isFinite(days) || days <= 0) throw new CliExit(2, '--expires-in-days must be a positive number');
        expiresAt = Date.now() + days * 86_400_000;
      }
      const config = configFrom(opts);
      await withLocalStore(config, async (store) => {
        const authority = store.scoped(cliAuthority(`create token for ${opts.org}`));
        if (!(await authority.organisations.get(opts.org))) {
          await authority.organisations.create({ id: opts.org, name: opts.org, parentId: null });
          process.stderr.write(`created organisation ${opts.org}\n`);
        }
        const scoped = store.scoped(orgScope(opts.org));
        const { token: secret, record } = await issueApiToken(scoped, {
          orgId: opts.org, role: opts.role, name: opts.name, expiresAt, now: Date.now(),
        });
        await scoped.audit.append({ actor: cliAuthority('').actor, action: 'token.create', target: record.id, at: Date.now(), details: { role: record.role } });
        printData({ token: secret, id: record.id, org: record.orgId, role: record.role, expiresAt: record.expiresAt }, format);
      });
    });

  withNodeOptions(token.command('list').description('list the tokens of an organisation (never their secrets)'))
    .requiredOption('--org <org>', 'organisation id')
    .option('--format <format>', 'json or table', 'table')
    .action(async (opts: NodeOptions & { org: string; format: string }) => {
      const format = parseFormat(opts.format, ['json', 'table'] as const);
      await withLocalStore(configFrom(opts), async (store) => {
        const items = (await store.scoped(orgScope(opts.org)).tokens.list()).map(({ secretHash: _h, ...t }) => t);
        printData(items, format, ['id', 'orgId', 'role', 'name', 'createdAt', 'expiresAt', 'revokedAt']);
      });
    });

  withNodeOptions(token.command('revoke').description('revoke a token').argument('<id>', 'token id'))
    .requiredOption('--org <org>', 'organisation id')
    .action(async (id: string, opts: NodeOptions & { org: string }) => {
      await withLocalStore(configFrom(opts), async (store) => {
        const scoped = store.scoped(orgScope(opts.org));
        if (!(await scoped.tokens.revoke(id, Date.now()))) throw new CliExit(1, `token ${id} not found in ${opts.org}`);
        await scoped.audit.append({ actor: cliAuthority('').actor, action: 'token.revoke', target: id, at: Date.now() });
        process.stdout.write(`revoked ${id}\n`);
      });
    });
}
