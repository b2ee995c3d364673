import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Names of the files a directory contributes: what `readEventBatches` reads. */
export const huntFileName = /\.(json|ndjson|jsonl|evtx|zip|json\.gz|ndjson\.gz|jsonl\.gz)$/i;

/** The files of a hunt and their total size (for the progress bar). */
export interface HuntInputs {
  files: string[];
  /** Size of each file, in bytes. */
  sizes: number[];
  bytes: number;
}

/**
 * The files a hunt reads for its arguments, in order. A file is taken as given, whatever its
 * name. A directory stands for every file below it whose name {@link huntFileName} matches, depth
 * first in name order, so a folder of EVTX exports (`hunt C:\Logs`) hunts the same way every
 * time. Hidden entries (`.git`, `._x.evtx`) are skipped, and a symbolic link to a directory is
 * not followed: a link back up the tree would never end. A file named twice is hunted once.
 * @throws Error naming the argument that does not exist, is neither a file nor a directory, or is
 *   a directory without any event file
 */
export async function huntInputs(paths: readonly string[]): Promise<HuntInputs> {
  const files: string[] = [];
  const sizes: number[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  const add = (path: string, size: number): void => {
    const key = resolve(path);
    if (seen.has(key)) return;
    seen.add(key);
    files.push(path);
    sizes.push(size);
    bytes += size;
  };
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (info === undefined) throw new Error(`input ${JSON.stringify(p)} does not exist`);
    if (info.isFile()) {
      add(p, info.size);
      continue;
    }
    if (!info.isDirectory()) throw new Error(`input ${JSON.stringify(p)} is neither a file nor a directory`);
    let found = 0;
    await walk(p, (path, size) => {
      found++;
      add(path, size);
    });
    if (found === 0) {
      throw new Error(`input directory ${JSON.stringify(p)} holds no .json, .ndjson, .jsonl, .evtx, .zip or .gz of those`);
    }
  }
  return { files, sizes, bytes };
}

async function walk(dir: string, add: (path: string, size: number) => void): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, add);
    else if (huntFileName.test(e.name) && (e.isFile() || e.isSymbolicLink())) {
      // A link is hunted when it leads to a file; a dangling one or one to a directory is not.
      const info = await stat(p).catch(() => undefined);
      if (info?.isFile()) add(p, info.size);
    }
  }
}
