import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuleTexts } from '../sigma/load-rules.js';
import type { RawCorrelation, RuleSet } from '../sigma/index.js';
import type { SigmaLoadError } from '../sigma/sigma-types.js';

/** Rules loaded from disk, ready for a Detector. */
export interface LoadedRules {
  ruleSet: RuleSet;
  correlations: RawCorrelation[];
  /** Every document that failed, with the file path as the caller wrote it (root + relative path). */
  errors: SigmaLoadError[];
  /** YAML files read. */
  files: number;
}

const ruleFile = /\.ya?ml$/i;

/**
 * Lists the rule files under `root`: the file itself, or every `.yml`/`.yaml` below a directory
 * (hidden directories such as `.git` skipped), sorted so loads are reproducible.
 * @throws Error naming the path when it does not exist.
 */
export async function listRuleFiles(root: string): Promise<string[]> {
  return listRuleFilesSync(root);
}

// Synchronous on purpose, as is the reading below: rules load at start-up, before the process
// serves anything, and compiling them blocks anyway; the promise API cost far more CPU than the
// work itself (3,780 SigmaHQ rules: ~300 ms of thread-pool round trips against ~50 ms of reads).
function listRuleFilesSync(root: string): string[] {
  let info;
  try {
    info = statSync(root);
  } catch {
    throw new Error(`rule path ${JSON.stringify(root)} does not exist`);
  }
  if (!info.isDirectory()) return [root];
  const out: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (ruleFile.test(e.name)) out.push(p);
    }
  };
  walk(root);
  return out;
}

function* readEach(paths: readonly string[]): Generator<{ path: string; text: string }> {
  for (const path of paths) yield { path, text: readFileSync(path, 'utf8') };
}

/**
 * Reads every rule file under the given paths (files or directories) and compiles them into one
 * rule set with the core's `loadRuleTexts`. Nothing in a rule aborts the load: bad documents come
 * back in `errors` with `path:line:column`. Paths keep the form the caller gave (a relative root
 * yields relative paths), so messages point at files the user can open.
 * @throws Error when a path does not exist.
 */
export async function loadRulePaths(paths: readonly string[], opts: { placeholders?: Record<string, string[]> } = {}): Promise<LoadedRules> {
  const files: string[] = [];
  for (const root of paths) files.push(...listRuleFilesSync(root));
  const unique = [...new Set(files)];
  const loaded = loadRuleTexts(readEach(unique), { keepRules: false, ...(opts.placeholders ? { placeholders: opts.placeholders } : {}) });
  return { ruleSet: loaded.ruleSet, correlations: loaded.correlations, errors: loaded.errors, files: unique.length };
}
