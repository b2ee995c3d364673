import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every file below `dir` whose name matches `name`, depth first in name order, so a test over
 * shared test data or content reads the same files in the same order on every run.
 */
export function filesUnder(dir: string, name: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.test(entry)) out.push(p);
    }
  };
  walk(dir);
  return out;
}
