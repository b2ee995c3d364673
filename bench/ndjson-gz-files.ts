import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every `.ndjson.gz` file below `dir`, depth first in name order, so runs read the same events in the same order. */
export function ndjsonGzFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => (d.isDirectory() ? ndjsonGzFiles(join(dir, d.name)) : d.name.endsWith('.ndjson.gz') ? [join(dir, d.name)] : []));
}
