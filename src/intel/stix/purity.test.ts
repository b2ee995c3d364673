import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The pure entries (src/intel/stix/index.ts, src/intel/tlp/index.ts) are imported by pure
 * libraries (patterns, MISP mapping): nothing they reach may do I/O. ESLint's pure-library rule
 * does not list these folders (eslint.config.js is shared), so this walks the import graph.
 */
const IO = /^(node:)?(fs|fs\/promises|net|dgram|http|https|child_process|tls)$|^(better-sqlite3|pg|fastify|pino)$|^@nats-io\//;
const WIRING = /\/(store|bus|server|cli)\//;

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

function reach(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    const specs = importsOf(file);
    seen.set(file, specs);
    for (const s of specs) if (s.startsWith('.')) stack.push(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  }
  return seen;
}

describe('purity of the STIX and TLP libraries', () => {
  for (const entry of ['../stix/index.ts', '../tlp/index.ts']) {
    it(`${entry} reaches no I/O module and no wiring`, () => {
      const graph = reach(join(import.meta.dirname, entry));
      expect(graph.size).toBeGreaterThan(3);
      const offending = [...graph].flatMap(([file, specs]) => specs.filter((s) => IO.test(s) || WIRING.test(s)).map((s) => `${file}: ${s}`));
      expect(offending).toEqual([]);
      expect([...graph.keys()].some((f) => f.endsWith('stix-schema-loader.ts'))).toBe(false);
    });
  }

  it('the Node entry is where the schemas are read', () => {
    const graph = reach(join(import.meta.dirname, 'node.ts'));
    expect([...graph.values()].flat()).toContain('node:fs');
  });
});
