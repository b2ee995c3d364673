import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { CliExit } from './cli-exit.js';

/**
 * Entry of the `shieldwall` binary. Exit codes: 0 ok, 1 failure, 2 usage error.
 * Commands are registered from the explicit list in ./commands/index.ts, never by import side effects.
 */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('shieldwall')
    .description('Shieldwall: collective cyber-defence platform')
    .version(process.env.npm_package_version ?? '0.1.0')
    .exitOverride()
    .showHelpAfterError();
  for (const register of commands) register(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
    return 2;
  }
  if (err instanceof CliExit) {
    if (err.message) process.stderr.write(`shieldwall: ${err.message}\n`);
    return err.code;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`shieldwall: ${message}\n`);
  return 1;
}
