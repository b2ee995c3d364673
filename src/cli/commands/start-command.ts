import { Option, type Command } from 'commander';
import { loadConfig, type Config } from '../../config/index.js';
import { parseListenAddress } from '../../ingest/inputs/index.js';
import { startNode } from '../../server/runtime.js';
import { CliExit } from '../cli-exit.js';
import { oneLineErrors, withNodeOptions, type NodeOptions } from '../node-options.js';

interface StartOptions extends NodeOptions {
  port?: number;
  host?: string;
  syslogUdp?: string;
  syslogTcp?: string;
  syslogTls?: string;
  syslogTlsCert?: string;
  syslogTlsKey?: string;
  syslogTlsCa?: string;
}

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
    .addOption(new Option('--syslog-tls <addr>', 'receive syslog over TLS (RFC 5425) on host:port (e.g. 0.0.0.0:6514); needs --syslog-tls-cert and --syslog-tls-key').argParser(syslogAddress('--syslog-tls')))
    .option('--syslog-tls-cert <file>', 'PEM certificate chain of the syslog TLS listener')
    .option('--syslog-tls-key <file>', 'PEM private key of the syslog TLS listener')
    .option('--syslog-tls-ca <file>', 'PEM CA certificates: require client certificates signed by them (mutual TLS)')
    .action(async (opts: StartOptions) => {
      // The command line wins over the file and SHIELDWALL_* for the syslog listeners too; it goes
      // through the same schema, so a missing TLS key names the flag that asked for TLS.
      const { port, host, dataDir, syslogUdp, syslogTcp, syslogTls, syslogTlsCert, syslogTlsKey, syslogTlsCa } = opts;
      const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
      const overrides = defined({ port, host, dataDir, syslogUdp, syslogTcp, syslogTls, syslogTlsCert, syslogTlsKey, syslogTlsCa });
      const config = await oneLineErrors(async () => loadConfig({ file: opts.config, overrides }));
      const node = await oneLineErrors(() => startNode(config));
      const out = process.stdout;
      out.write(`Shieldwall listening on ${node.address}\n`);
      out.write(`  store: ${node.store.dialect}  bus: ${node.bus.kind}  data: ${config.dataDir}\n`);
      out.write(`  API docs: ${node.address}/docs  OpenAPI: ${node.address}/openapi.json\n`);
      for (const [kind, address] of Object.entries(node.syslog)) out.write(`  syslog/${kind} on ${address} (${routing(config, kind as 'udp' | 'tcp' | 'tls')})\n`);
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

/** How a listener assigns organisations, for the start banner: `org member-1`, `+ 2 sender rules`, `mutual TLS`. */
function routing(config: Config, kind: 'udp' | 'tcp' | 'tls'): string {
  const { syslog } = config.ingest;
  const listener = syslog[kind];
  const long = listener && typeof listener === 'object' ? listener : undefined;
  const parts = [`org ${long?.org ?? syslog.org}`];
  if (long?.senders?.length) parts.push(`${long.senders.length} sender rule${long.senders.length === 1 ? '' : 's'}`);
  if (kind === 'tls' && syslog.tls?.ca) parts.push(`mutual TLS${syslog.tls.clientOrgs?.length ? `, ${syslog.tls.clientOrgs.length} certificate rules` : ''}`);
  return parts.join(', ');
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
