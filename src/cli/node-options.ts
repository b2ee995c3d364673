import { Option, type Command } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import { isShieldwallError } from '../errors/error-catalog.js';
import { CliExit } from './cli-exit.js';

export interface NodeOptions {
  config?: string;
  dataDir?: string;
}

/** Adds the options every command that touches a node's data shares. */
export function withNodeOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-c, --config <file>', 'configuration file (JSON or YAML)').env('SHIELDWALL_CONFIG'))
    .option('-d, --data-dir <dir>', 'data directory (default ./data, or SHIELDWALL_DATA_DIR)');
}

/** Loads the configuration; a config problem ends the command with one precise line and exit 1. */
export function configFrom(opts: NodeOptions, overrides: { port?: number; host?: string } = {}): Config {
  try {
    return loadConfig({ file: opts.config, overrides: { dataDir: opts.dataDir, ...overrides } });
  } catch (err) {
    if (isShieldwallError(err)) throw new CliExit(1, err.message);
    throw err;
  }
}

/** Runs `fn`, turning catalogued errors into one-line failures (exit 1) instead of stack traces. */
export async function oneLineErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isShieldwallError(err)) throw new CliExit(1, err.message);
    throw err;
  }
}
