import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { FeedPoller, FeedPollingService, type FeedPollReport } from '../../intel/feeds/index.js';
import { IntelService } from '../../intel/index.js';
import { systemClock } from '../../shared/clock.js';
import { randomIds } from '../../shared/ids.js';
import { orgScope, type FeedAuth, type FeedKind, type FeedSubscription } from '../../store/index.js';
import { CliExit } from '../cli-exit.js';
import { cliAuthority, withLocalStore } from '../local-store.js';
import { configFrom, withNodeOptions, type NodeOptions } from '../node-options.js';
import { parseFormat, printData } from '../output.js';

type SubscribeOptions = NodeOptions & {
  org: string;
  collection?: string;
  kind: FeedKind;
  token?: string;
  user?: string;
  password?: string;
  interval: string;
  id?: string;
  format: string;
};

function authOf(opts: SubscribeOptions): FeedAuth | null {
  if (opts.token !== undefined && (opts.user !== undefined || opts.password !== undefined)) throw new CliExit(2, 'use either --token or --user/--password, not both');
  if (opts.token !== undefined) return { kind: 'bearer', token: opts.token };
  if ((opts.user === undefined) !== (opts.password === undefined)) throw new CliExit(2, '--user and --password go together');
  return opts.user !== undefined ? { kind: 'basic', user: opts.user, password: opts.password! } : null;
}

/** A subscription as printed: never its credentials, only their kind. */
function subscriptionRow(s: FeedSubscription): Record<string, unknown> {
  return {
    id: s.id, org: s.orgId, kind: s.kind, url: s.url, collection: s.collectionId, auth: s.auth?.kind ?? null, interval: s.intervalS,
    cursor: s.kind === 'taxii' ? s.cursor : s.cursor ? `${Object.keys(JSON.parse(s.cursor) as object).length} events` : null,
    lastPolledAt: s.lastPolledAt === null ? null : new Date(s.lastPolledAt).toISOString(), lastError: s.lastError,
  };
}

const reportRow = (r: FeedPollReport): Record<string, unknown> => ({
  subscription: r.subscription, org: r.org, kind: r.kind, events: r.events ?? null, objects: r.objects, accepted: r.accepted, rejected: r.rejected,
  ...(r.unsupported && Object.keys(r.unsupported).length > 0 ? { unsupported: r.unsupported } : {}), cursor: r.cursor, error: r.error,
});

/**
 * `shieldwall taxii subscribe|subscriptions|unsubscribe|poll`: feed subscriptions (peer TAXII collections,
 * MISP feeds) and polling, added to the `taxii` command group (created here when absent).
 */
export function registerTaxiiFeedCommand(program: Command): void {
  const taxii = program.commands.find((c) => c.name() === 'taxii') ?? program.command('taxii').description('TAXII 2.1');

  withNodeOptions(
    taxii
      .command('subscribe')
      .description('subscribe an organisation to a peer TAXII collection (URL = API root) or a MISP feed (URL or directory)')
      .argument('<url>', 'TAXII API root URL, or MISP feed base URL / directory with --kind misp-feed'),
  )
    .requiredOption('--org <org>', 'importing organisation')
    .option('--collection <id>', 'TAXII collection id (required for --kind taxii)')
    .addOption(new Option('--kind <kind>', 'feed kind').choices(['taxii', 'misp-feed']).default('taxii'))
    .option('--token <token>', 'bearer token (for a MISP feed: the API key)')
    .option('--user <user>', 'HTTP Basic user')
    .option('--password <password>', 'HTTP Basic password')
    .option('--interval <seconds>', 'seconds between polls by the running node', '3600')
    .option('--id <id>', 'subscription id (default: a new UUID)')
    .option('--format <format>', 'json or table', 'table')
    .action(async (location: string, opts: SubscribeOptions) => {
      // A feed directory is polled later by the node, from its own working directory.
      const url = /^https?:\/\//i.test(location) ? location : resolve(location.replace(/^file:\/\//, ''));
      const format = parseFormat(opts.format, ['json', 'table'] as const);
      const intervalS = Number(opts.interval);
      if (!Number.isInteger(intervalS) || intervalS < 1) throw new CliExit(2, `--interval must be a positive whole number of seconds (got ${JSON.stringify(opts.interval)})`);
      if (opts.kind === 'taxii' && !opts.collection) throw new CliExit(2, '--collection is required for a TAXII subscription');
      if (opts.kind === 'taxii' && !/^https?:\/\//i.test(url)) throw new CliExit(2, `a TAXII API root must be an http(s) URL (got ${JSON.stringify(url)})`);
      const auth = authOf(opts);
      await withLocalStore(configFrom(opts), async (store) => {
        if (!(await store.scoped(cliAuthority(`subscribe ${opts.org} to a feed`)).organisations.get(opts.org))) {
          throw new CliExit(1, `organisation ${opts.org} not found (create it first: shieldwall org create --id ${opts.org})`);
        }
        const created = await store.scoped(orgScope(opts.org)).feeds.create({
          id: opts.id ?? randomIds.next(), orgId: opts.org, kind: opts.kind, url, collectionId: opts.kind === 'taxii' ? opts.collection! : null, auth, intervalS,
        });
        await store.scoped(orgScope(opts.org)).audit.append({
          actor: cliAuthority('').actor, action: 'feed.subscribe', target: created.id, at: Date.now(), details: { kind: created.kind, url: created.url },
        });
        printData(subscriptionRow(created), format, ['id', 'org', 'kind', 'url', 'collection', 'auth', 'interval']);
      });
    });

  withNodeOptions(taxii.command('subscriptions').description('list feed subscriptions (credentials never shown)'))
    .option('--org <org>', 'only this organisation')
    .option('--format <format>', 'json or table', 'table')
    .action(async (opts: NodeOptions & { org?: string; format: string }) => {
      const format = parseFormat(opts.format, ['json', 'table'] as const);
      await withLocalStore(configFrom(opts), async (store) => {
        const items = await store.scoped(opts.org ? orgScope(opts.org) : cliAuthority('list feed subscriptions')).feeds.list();
        printData(items.map(subscriptionRow), format, ['id', 'org', 'kind', 'url', 'collection', 'interval', 'lastPolledAt', 'lastError']);
      });
    });

  withNodeOptions(taxii.command('unsubscribe').description('delete a feed subscription (objects already imported stay)').argument('<id>', 'subscription id'))
    .requiredOption('--org <org>', 'organisation of the subscription')
    .action(async (id: string, opts: NodeOptions & { org: string }) => {
      await withLocalStore(configFrom(opts), async (store) => {
        const scoped = store.scoped(orgScope(opts.org));
        if (!(await scoped.feeds.delete(id))) throw new CliExit(1, `subscription ${id} not found in ${opts.org}`);
        await scoped.audit.append({ actor: cliAuthority('').actor, action: 'feed.unsubscribe', target: id, at: Date.now() });
        process.stdout.write(`unsubscribed ${id}\n`);
      });
    });

  withNodeOptions(taxii.command('poll').description('poll feed subscriptions and import what is new; without --once, keep polling on their intervals'))
    .option('--once', 'poll every subscription once now, print the counts and exit (1 if any failed)')
    .option('--format <format>', 'json or table', 'table')
    .action(async (opts: NodeOptions & { once?: boolean; format: string }) => {
      const format = parseFormat(opts.format, ['json', 'table'] as const);
      const columns = ['subscription', 'org', 'kind', 'events', 'objects', 'accepted', 'rejected', 'error'];
      await withLocalStore(configFrom(opts), async (store) => {
        // No bus here: a running node learns of these imports at its next indicator reload.
        const intel = new IntelService({ store, clock: systemClock, ids: randomIds });
        const poller = new FeedPoller({ store, importer: intel, clock: systemClock, ids: randomIds });
        if (opts.once) {
          const reports = await poller.pollAll();
          printData(reports.map(reportRow), format, columns);
          if (reports.some((r) => r.error !== null)) throw new CliExit(1, `${reports.filter((r) => r.error !== null).length} subscription(s) failed`);
          return;
        }
        const service = new FeedPollingService({
          poller, store, clock: systemClock, refreshMs: 60_000,
          // Referenced timers: here the pending tick is what keeps the command running.
          timer: { set: (ms, fn) => setTimeout(fn, ms), clear: (handle) => clearTimeout(handle as NodeJS.Timeout) },
          onReport: (r) => printData(reportRow(r), format === 'json' ? 'json' : 'table', columns),
          onError: (e) => process.stderr.write(`poll failed: ${e instanceof Error ? e.message : String(e)}\n`),
        });
        await new Promise<void>((resolve) => {
          const stop = () => void service.stop().then(resolve);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          service.start();
        });
      });
    });
}
