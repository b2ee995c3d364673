import { readdir, readFile, stat } from 'node:fs/promises';
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
  let info;
  try {
    info = await stat(root);
  } catch {
    throw new Error(`rule path ${JSON.stringify(root)} does not exist`);
  }
  if (!info.isDirectory()) return [root];
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (ruleFile.test(e.name)) out.push(p);
    }
  };
  await walk(root);
  return out;
}

async function readAll(paths: string[]): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = new Array(paths.length);
  const width = 32;
  for (let i = 0; i < paths.length; i += width) {
    const slice = paths.slice(i, i + width);
    const texts = await Promise.all(slice.map((p) => readFile(p, 'utf8')));
    texts.forEach((text, j) => (out[i + j] = { path: slice[j]!, text }));
  }
  return out;
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
  for (const root of paths) files.push(...(await listRuleFiles(root)));
  const unique = [...new Set(files)];
  const texts = await readAll(unique);
  const loaded = loadRuleTexts(texts, opts.placeholders ? { placeholders: opts.placeholders } : undefined);
  return { ruleSet: loaded.ruleSet, correlations: loaded.correlations, errors: loaded.errors, files: unique.length };
}
