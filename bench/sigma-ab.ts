/**
 * Sigma A/B benchmark (`npm run bench:sigma-ab -- BASE [--rounds N] [--limit N] [--chunk N] [--category NAME] [--json]`):
 * the detection loop of `bench:sigma` for the working tree against a git revision `BASE`, in one
 * process, over the same lines, interleaved chunk by chunk. `--category process_creation` keeps
 * only the lines of one logsource category (2,880 process creations: use more rounds).
 *
 * The base is loaded first. In throwaway runs of two builds in one process, whichever was loaded
 * second ran ~5 % slower (same code either way), so a head/base below 1 is, if anything, understated.
 *
 * Why: on the shared VMs this project is measured on, two `bench:sigma` runs a few minutes apart
 * differ by 10–20 % (the bare JSON.parse pass alone moved from 4.9 to 7.7 s within one session),
 * which hides any change worth less than that. Here each chunk of `--chunk` lines (default 8,192)
 * is parsed alone, then detected by both builds in turn (the order alternating), so a neighbour's
 * job slows the three passes of a chunk together; the spread of the per-round ratio head/base
 * fell to about ±2 %. Both detectors keep their own state over the whole stream, as in the bench.
 *
 * `BASE` is checked out into a temporary git worktree (sharing this checkout's node_modules) and
 * compiled with its own `tsconfig.bench.json`, which revisions from the ninth session on have.
 * The detections of both builds are counted: a difference is reported, since an optimisation must
 * not change what is found. With `--json` the last line is
 * `{"base","events","rounds","base_ratio","head_ratio","head_over_base","base_detections","head_detections"}`
 * (ratios: detection loop over the parse pass, medians of the rounds).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { lineAt, readLines } from './bench-lines.js';
import { benchOption } from './bench-option.js';
import { median } from './median.js';
import { ndjsonGzFiles } from './ndjson-gz-files.js';

type SigmaModule = typeof import('../src/sigma/index.js');

interface Build {
  process(line: string): number;
  flush(): number;
  /** The logsource category the build classifies a line into. */
  categoryOf(line: string): string | undefined;
}

const args = process.argv.slice(2);
const base = args[0];
if (base === undefined || base.startsWith('--')) {
  process.stderr.write('usage: npm run bench:sigma-ab -- BASE [--rounds N] [--limit N] [--chunk N] [--category NAME] [--json]\n');
  process.exit(2);
}
const rounds = benchOption(args, '--rounds', 3);
const limit = benchOption(args, '--limit', Number.MAX_SAFE_INTEGER);
const chunk = benchOption(args, '--chunk', 8192);
const asJson = args.includes('--json');
const categoryAt = args.indexOf('--category');
const category = categoryAt >= 0 ? args[categoryAt + 1] : undefined;
if (categoryAt >= 0 && (category === undefined || category.startsWith('--'))) {
  process.stderr.write('--category needs a logsource category (process_creation, ps_script, …)\n');
  process.exit(2);
}
const log = (s: string) => process.stderr.write(s + '\n');

const repo = process.cwd();
const shared = resolve(repo, '../shared');
/** This build's root: `dist/bench`, where this file runs from as `bench/sigma-ab.js`. */
const headRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const git = (...a: string[]): string => execFileSync('git', a, { cwd: repo, encoding: 'utf8' }).trim();

let sha: string;
try {
  sha = git('rev-parse', '--verify', `${base}^{commit}`);
} catch {
  process.stderr.write(`bench:sigma-ab: ${base} is not a commit of this repository\n`);
  process.exit(2);
}
const tree = mkdtempSync(join(tmpdir(), 'shieldwall-ab-'));

/** Loads the rules into one build's detector; `root` is its compiled `dist/bench`. */
async function load(name: string, root: string): Promise<Build> {
  const url = (p: string) => pathToFileURL(join(root, p)).href;
  const { eventTime } = (await import(url('src/hunt/event-time.js'))) as typeof import('../src/hunt/event-time.js');
  const { loadRulePaths } = (await import(url('src/hunt/rule-loader.js'))) as typeof import('../src/hunt/rule-loader.js');
  const { Detector, normalizeEvent } = (await import(url('src/sigma/index.js'))) as SigmaModule;
  const t = performance.now();
  const loaded = await loadRulePaths([join(shared, 'content/sigma')]);
  const detector = new Detector({ ruleSet: loaded.ruleSet, correlations: loaded.correlations });
  log(`${name}: ${loaded.ruleSet.size} rules, ${loaded.errors.length + detector.errors.length} failed, loaded in ${(performance.now() - t).toFixed(0)} ms`);
  return {
    process(line) {
      const raw = JSON.parse(line) as Record<string, unknown>;
      return detector.process(normalizeEvent(raw), eventTime(raw)).length;
    },
    flush: () => detector.flush().length,
    categoryOf: (line) => normalizeEvent(JSON.parse(line) as Record<string, unknown>).logsource.category,
  };
}

try {
  log(`base ${base} = ${sha.slice(0, 12)}: checking out and compiling in ${tree}`);
  git('worktree', 'add', '--detach', '--quiet', tree, sha);
  symlinkSync(join(repo, 'node_modules'), join(tree, 'node_modules'));
  try {
    execFileSync(join(repo, 'node_modules/.bin/tsc'), ['-p', join(tree, 'tsconfig.bench.json')], { cwd: tree, stdio: 'inherit' });
  } catch {
    throw new Error(`${base} does not compile with its tsconfig.bench.json (revisions before the ninth session have none)`);
  }
  const builds = [await load('base', join(tree, 'dist/bench')), await load('head', headRoot)];
  const all = readLines(ndjsonGzFiles(join(shared, 'testdata/security-datasets/datasets')), limit);
  // With --category, only the lines of that logsource category, in their order (classified by head).
  const picked: number[] = [];
  if (category !== undefined) for (let i = 0; i < all.count; i++) if (builds[1]!.categoryOf(lineAt(all, i)) === category) picked.push(i);
  const count = category === undefined ? all.count : picked.length;
  const line = category === undefined ? (i: number) => lineAt(all, i) : (i: number) => lineAt(all, picked[i]!);
  if (count === 0) throw new Error(`no event of category ${category} in the bench's lines`);
  log(`events: ${count} lines in memory${category === undefined ? '' : ` (category ${category} of ${all.count})`}, chunks of ${chunk}`);

  const parse = (from: number, to: number): number => {
    let n = 0;
    for (let i = from; i < to; i++) n += (JSON.parse(line(i)) as object) === null ? 0 : 1;
    return n;
  };
  const detect = (b: Build, from: number, to: number): number => {
    let d = 0;
    for (let i = from; i < to; i++) d += b.process(line(i));
    return d;
  };
  // Warm-up: let the JIT see every loop before timing.
  const warm = Math.min(count, 20_000);
  parse(0, warm);
  for (const b of builds) {
    detect(b, 0, warm);
    b.flush();
  }

  const ratios: number[][] = [[], []];
  const found = [0, 0];
  for (let r = 0; r < rounds; r++) {
    let parseMs = 0;
    const ms = [0, 0];
    const detections = [0, 0];
    for (let from = 0, c = 0; from < count; from += chunk, c++) {
      const to = Math.min(count, from + chunk);
      let t = performance.now();
      parse(from, to);
      parseMs += performance.now() - t;
      for (const k of (c + r) % 2 === 0 ? [0, 1] : [1, 0]) {
        t = performance.now();
        detections[k]! += detect(builds[k]!, from, to);
        ms[k]! += performance.now() - t;
      }
    }
    for (const k of [0, 1]) {
      detections[k]! += builds[k]!.flush();
      ratios[k]!.push(ms[k]! / parseMs);
      found[k] = detections[k]!;
    }
    log(
      `round ${r + 1}: parse ${parseMs.toFixed(0)} ms; base ${ms[0]!.toFixed(0)} ms (ratio ${(ms[0]! / parseMs).toFixed(3)}, ${detections[0]} detections); ` +
        `head ${ms[1]!.toFixed(0)} ms (ratio ${(ms[1]! / parseMs).toFixed(3)}, ${detections[1]} detections); head/base ${(ms[1]! / ms[0]!).toFixed(3)}`,
    );
  }
  const result = {
    base: sha,
    events: count,
    rounds,
    base_ratio: Math.round(median(ratios[0]!) * 1000) / 1000,
    head_ratio: Math.round(median(ratios[1]!) * 1000) / 1000,
    head_over_base: Math.round(median(ratios[1]!.map((h, i) => h / ratios[0]![i]!)) * 1000) / 1000,
    base_detections: found[0],
    head_detections: found[1],
  };
  log(`median ratio: base ${result.base_ratio}, head ${result.head_ratio}; head/base ${result.head_over_base}`);
  if (found[0] !== found[1]) log(`warning: the builds found different numbers of detections (base ${found[0]}, head ${found[1]})`);
  if (asJson) process.stdout.write(JSON.stringify(result) + '\n');
} catch (e) {
  process.stderr.write(`bench:sigma-ab: ${(e as Error).message}\n`);
  process.exitCode = 1;
} finally {
  try {
    git('worktree', 'remove', '--force', tree);
  } catch {
    rmSync(tree, { recursive: true, force: true });
    git('worktree', 'prune');
  }
}
