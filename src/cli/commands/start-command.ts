import { Option, type Command } from 'commander';
import { parseListenAddress } from '../../ingest/inputs/index.js';
import { startNode } from '../../server/runtime.js';
import { CliExit } from '../cli-exit.js';
import { configFrom, oneLineErrors, withNodeOptions, type NodeOptions } from '../node-options.js';

/** `shieldwall start`: runs a node until SIGINT/SIGTERM, then drains and exits 0. */
export function registerStartCommand(program: Command): void {
  withNodeOptions(
    program
      .command('start')
      .description('start a Shieldwall node (embedded SQLite and in-process bus unless configured otherwise)'),
  )
    .addOption(new Option('-p, --port <port>', 'HTTP port').argParser(parsePort))
    .option('-H, --host <host>', 'HTTP listen address')
    .addOption(new Option('--syslog-udp <addr>', 'receive syslog over UDP on host:port (e.g. 0.0.0.0:514)').argParser(syslogAddress('--syslog-udp')))
    .addOption(new Option('--syslog-tcp <addr>', 'receive syslog over TCP on host:port (e.g. 0.0.0.0:601)').argParser(syslogAddress('--syslog-tcp')))
    .action(async (opts: NodeOptions & { port?: number; host?: string; syslogUdp?: string; syslogTcp?: string }) => {
      const loaded = configFrom(opts, { port: opts.port, host: opts.host });
      // The command line wins over the file and SHIELDWALL_SYSLOG_* for the syslog listeners too.
      const syslog = { ...loaded.ingest.syslog, ...(opts.syslogUdp ? { udp: opts.syslogUdp } : {}), ...(opts.syslogTcp ? { tcp: opts.syslogTcp } : {}) };
      const config = { ...loaded, ingest: { ...loaded.ingest, syslog } };
      const node = await oneLineErrors(() => startNode(config));
      const out = process.stdout;
      out.write(`Shieldwall listening on ${node.address}\n`);
      out.write(`  store: ${node.store.dialect}  bus: ${node.bus.kind}  data: ${config.dataDir}\n`);
      out.write(`  API docs: ${node.address}/docs  OpenAPI: ${node.address}/openapi.json\n`);
      for (const [kind, address] of Object.entries(node.syslog)) out.write(`  syslog/${kind} on ${address} (org ${config.ingest.syslog.org})\n`);
      out.write(`  rules: ${node.rules.loaded} loaded, ${node.rules.failed} failed (${node.rules.loadMs} ms)${config.ingest.detect ? '' : '; detection off in this process'}\n`);
      if (node.pipeline.requeued > 0) out.write(`  re-queued ${node.pipeline.requeued} batches that were pending detection\n`);
      if (node.firstStart) {
        out.write(`\nFirst start: created organisation "${node.firstStart.orgId}" and its admin token.\n`);
        out.write(`  Admin token (shown once, stored hashed): ${node.firstStart.token}\n`);
        out.write(`  Try: curl -H 'Authorization: Bearer ${node.firstStart.token}' ${node.address}/api/v1/orgs\n\n`);
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          process.stdout.write(`received ${signal}: draining in-flight work\n`);
          node.close().then(resolve, (err: unknown) => {
            process.stderr.write(`shieldwall: shutdown failed: ${(err as Error).message}\n`);
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}

function syslogAddress(flag: string): (value: string) => string {
  return (value) => {
    try {
      parseListenAddress(value, flag);
    } catch (err) {
      throw new CliExit(2, (err as Error).message.replace(/^config: /, ''));
    }
    return value;
  };
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new CliExit(2, `--port must be an integer 0..65535 (got ${JSON.stringify(value)})`);
  return n;
}
