import type { Command } from 'commander';
import { Detector, loadErrorLocation } from '../../sigma/index.js';
import { loadRulePaths } from '../../hunt/index.js';
import { CliExit } from '../cli-exit.js';
import { parseFormat } from '../output.js';

/** `shieldwall rules check PATH`: loads and compiles a rule tree, lists every document that failed. */
export function registerRulesCommand(program: Command): void {
  const rules = program.command('rules').description('Sigma rule tools');
  rules
    .command('check')
    .description('load and compile rules (files or directories); exit 1 if any failed')
    .argument('<paths...>', 'rule files or directories')
    .option('--format <format>', 'json or table', 'table')
    .action(async (paths: string[], opts: { format: string }) => {
      const format = parseFormat(opts.format, ['json', 'table'] as const);
      const started = performance.now();
      const loaded = await loadRulePaths(paths).catch((err: Error) => {
        throw new CliExit(2, err.message);
      });
      // Correlation documents are parsed and linked by the Detector; their failures count too.
      const detector = new Detector({ ruleSet: loaded.ruleSet, correlations: loaded.correlations });
      const failed = [...loaded.errors, ...detector.errors];
      const ms = Math.round(performance.now() - started);
      const counts = { files: loaded.files, rules_loaded: loaded.ruleSet.size, correlations_loaded: detector.correlations().length, failed: failed.length, load_ms: ms };
      if (format === 'json') {
        process.stdout.write(JSON.stringify({ ...counts, errors: failed }) + '\n');
      } else {
        for (const e of failed) process.stdout.write(`${loadErrorLocation(e)}: ${e.ruleId ? `[${e.ruleId}] ` : ''}${e.message}\n`);
        process.stdout.write(
          `${counts.files} file(s): ${counts.rules_loaded} rule(s) and ${counts.correlations_loaded} correlation(s) loaded, ${counts.failed} failed (${ms} ms)\n`,
        );
      }
      if (failed.length > 0) throw new CliExit(1);
    });
}
