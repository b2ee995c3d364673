import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShieldwallError } from '../../errors/error-catalog.js';
import type { JsonSchemaDocument } from './stix-validator.js';

/**
 * The shipped OASIS schemas: `content/stix/schemas` at the package root, found by walking up from
 * this module so it works from `src/` (tsx, vitest) and `dist/` alike.
 */
export function defaultStixSchemaDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'content', 'stix', 'schemas');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * Reads every `*.json` under `dir` (recursively). This is the I/O half of validation, kept apart
 * from `stix-validator.ts` so the STIX library stays importable by pure code.
 *
 * @throws ShieldwallError CONFIG_INVALID when the directory is missing or a file is not JSON.
 */
export function loadStixSchemas(dir: string | undefined = defaultStixSchemaDir()): JsonSchemaDocument[] {
  if (!dir || !existsSync(dir)) {
    throw new ShieldwallError('CONFIG_INVALID', `STIX schema directory not found: ${dir ?? 'content/stix/schemas'}`, { where: dir ?? 'content/stix/schemas' });
  }
  const schemas: JsonSchemaDocument[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.json')) {
        try {
          schemas.push(JSON.parse(readFileSync(path, 'utf8')) as JsonSchemaDocument);
        } catch (e) {
          throw new ShieldwallError('CONFIG_INVALID', `STIX schema ${path} is not valid JSON: ${(e as Error).message}`, { where: path }, { cause: e });
        }
      }
    }
  };
  walk(dir);
  return schemas;
}
