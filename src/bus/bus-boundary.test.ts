import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcRoot = fileURLToPath(new URL('../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/**
 * Only the NATS adapter may speak to the driver; everything else goes through the port, so
 * capabilities run unchanged on the memory bus. (The lint config guards the pure libraries; this
 * guards the driver.)
 */
describe('bus boundary', () => {
  it('imports @nats-io only under src/bus/nats', () => {
    const offenders = sourceFiles(srcRoot)
      .map((f) => relative(srcRoot, f).split(sep).join('/'))
      .filter((f) => !f.startsWith('bus/nats/'))
      .filter((f) => /from\s+['"]@nats-io\//.test(readFileSync(join(srcRoot, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('finds the NATS adapter itself (the scan is not empty)', () => {
    const adapter = readFileSync(join(srcRoot, 'bus/nats/nats-bus.ts'), 'utf8');
    expect(adapter).toMatch(/from '@nats-io\/jetstream'/);
  });
});
