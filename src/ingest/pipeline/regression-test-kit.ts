import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readEvents } from '../../hunt/read-events.js';

// Test support shared by the pipeline tests that run on real events (not exported from index.ts).

/** SigmaHQ's regression events, `../shared/testdata/sigma-regression/` from the project root. */
export const regressionDir = path.resolve(import.meta.dirname, '../../../../shared/testdata/sigma-regression');

/** Whether the regression data is there (tests on it skip with a printed reason when not). */
export const haveRegressionData = existsSync(path.join(regressionDir, 'index.json'));

/** The raw fields of every regression event with a JSON file, in index and file order. */
export async function regressionRaws(): Promise<Record<string, unknown>[]> {
  const index = JSON.parse(readFileSync(path.join(regressionDir, 'index.json'), 'utf8')) as { json_path: string | null }[];
  const raws: Record<string, unknown>[] = [];
  for (const entry of index) {
    if (!entry.json_path) continue;
    for await (const r of readEvents(path.join(regressionDir, entry.json_path))) raws.push(r.raw);
  }
  return raws;
}
