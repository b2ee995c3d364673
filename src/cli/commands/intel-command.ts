import { readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { AUTHORITY_ORG_ID } from '../../governance/index.js';
import { IntelService, type ExportFormat, type ImportResult } from '../../intel/index.js';
import { orgScope } from '../../store/index.js';
import { systemClock } from '../../shared/clock.js';
import { randomIds } from '../../shared/ids.js';
import { CliExit } from '../cli-exit.js';
import { withLocalStore } from '../local-store.js';
import { configFrom, withNodeOptions, type NodeOptions } from '../node-options.js';
import { parseFormat, printData } from '../output.js';
import { intelObjectsOf, isMispFeed, mispFeedObjects } from './intel-input.js';

/** Objects per POST when importing through a node's API (well under its default 10 MiB body limit). */
const postChunk = 1000;

type ImportOptions = NodeOptions & { org?: string; to?: string; token?: string; format: string };

/** `shieldwall intel import|export`: STIX bundles, MISP events and feeds in; STIX, MISP or CSV out, TLP applied. */
export function registerIntelCommand(program: Command): void {
  const intel = program.command('intel').description('threat intelligence: import and export indicators');

  withNodeOptions(
    intel
      .command('import')
      .description('import a STIX 2.1 bundle, a MISP event or a MISP feed (file, directory or http(s) URL) into an organisation, locally or through a node (--to)')
      .argument('<source>', 'file, feed directory, or http(s) URL (a MISP feed by its manifest.json)'),
  )
    .option('--org <org>', 'organisation that produces the objects (default: authority locally, the token\'s organisation with --to)')
    .option('--to <url>', 'node URL: import through its API instead of the local store')
    .addOption(new Option('--token <token>', 'API token for --to (role analyst or above)').env('SHIELDWALL_TOKEN'))
    .option('--format <format>', 'json or table', 'table')
    .action(async (source: string, opts: ImportOptions) => {
      const format = parseFormat(opts.format, ['json', 'table'] as const);
      const input = (await isMispFeed(source)) ? await mispFeedObjects(source, Date.now()) : intelObjectsOf(await readSource(source), source, Date.now());
      const objects = input.objects;
      let result: ImportResult;
      if (opts.to !== undefined) {
        if (!/^https?:\/\/[^/]+/.test(opts.to)) throw new CliExit(2, `--to must be an http(s) URL (got ${JSON.stringify(opts.to)})`);
        if (!opts.token) throw new CliExit(2, '--to needs --token (or SHIELDWALL_TOKEN)');
        result = await importRemote(objects, opts.to, opts.token, opts.org);
      } else {
        const org = opts.org ?? AUTHORITY_ORG_ID;
        result = await withLocalStore(configFrom(opts), async (store) => {
          if (!(await store.scoped(orgScope(org)).organisations.get(org))) throw new CliExit(1, `organisation ${org} not found`);
          const service = new IntelService({ store, clock: systemClock, ids: randomIds });
          return service.importObjects(orgScope(org), objects, { source, actor: `cli:${process.env.USER ?? 'local'}` });
        });
      }
      const count = (o: string) => result.accepted.filter((a) => a.outcome === o).length;
      const summary = {
        format: input.kind, ...(input.events !== undefined ? { events: input.events } : {}),
        objects: objects.length, accepted: result.accepted.length, new: count('new'), newer: count('newer'),
        duplicate: count('duplicate'), older: count('older'), rejected: result.rejected.length,
      };
      if (format === 'json') printData({ ...summary, rejects: result.rejected }, 'json');
      else {
        printData(summary, 'table');
        for (const r of result.rejected.slice(0, 20)) process.stderr.write(`rejected objects[${r.index}] ${r.id ?? '(no id)'} ${r.property ?? ''}: ${r.reason}\n`);
      }
      if (result.rejected.length > 0) throw new CliExit(1);
    });

  withNodeOptions(intel.command('export').description("export an organisation's intelligence, with the TLP policy applied for the recipient"))
    .addOption(new Option('--format <format>', 'output format').choices(['stix', 'misp', 'csv']).makeOptionMandatory())
    .option('--org <org>', 'organisation whose objects are exported', AUTHORITY_ORG_ID)
    .option('--recipient <recipient>', 'who will receive it: an organisation id or "public"', 'public')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (opts: NodeOptions & { format: ExportFormat; org: string; recipient: string; output?: string }) => {
      await withLocalStore(configFrom(opts), async (store) => {
        if (!(await store.scoped(orgScope(opts.org)).organisations.get(opts.org))) throw new CliExit(1, `organisation ${opts.org} not found`);
        const service = new IntelService({ store, clock: systemClock, ids: randomIds });
        const recipient = opts.recipient === 'public' ? ({ kind: 'public' } as const) : ({ kind: 'org', orgId: opts.recipient } as const);
        const out = await service.exportObjects(orgScope(opts.org), recipient, opts.format);
        if (opts.output) await writeFile(opts.output, out.body);
        else process.stdout.write(out.body.endsWith('\n') ? out.body : `${out.body}\n`);
        process.stderr.write(`exported ${out.count} objects for ${opts.recipient}; ${out.withheld} withheld by TLP\n`);
      });
    });
}

async function readSource(source: string): Promise<string> {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source).catch((err: unknown) => {
      throw new CliExit(1, `cannot fetch ${source}: ${(err as Error).message}`);
    });
    if (!res.ok) throw new CliExit(1, `cannot fetch ${source}: HTTP ${res.status}`);
    return res.text();
  }
  return readFile(source, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new CliExit(1, `cannot read ${source}: ${err.code ?? err.message}`);
  });
}

/** Posts the objects in chunks and merges the per-object results, indexes made global again. */
async function importRemote(objects: unknown[], to: string, token: string, org: string | undefined): Promise<ImportResult> {
  const merged: ImportResult = { accepted: [], rejected: [] };
  const url = `${to.replace(/\/+$/, '')}/api/v1/indicators${org ? `?org=${encodeURIComponent(org)}` : ''}`;
  for (let start = 0; start < objects.length; start += postChunk) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(objects.slice(start, start + postChunk)),
    }).catch((err: unknown) => {
      throw new CliExit(1, `cannot reach ${to}: ${(err as Error).message}`);
    });
    const body = (await res.json().catch(() => null)) as (ImportResult & { error?: { code: string; message: string } }) | null;
    if (!res.ok || !body) throw new CliExit(1, `${to} answered ${res.status}: ${body?.error ? `${body.error.code} ${body.error.message}` : 'no JSON body'}`);
    for (const a of body.accepted) merged.accepted.push({ ...a, index: a.index + start });
    for (const r of body.rejected) merged.rejected.push({ ...r, index: r.index + start });
  }
  return merged;
}
