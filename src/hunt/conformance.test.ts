import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Detector } from '../sigma/index.js';
import { loadErrorLocation } from '../sigma/index.js';
import { loadRulePaths } from './rule-loader.js';

/** Every shipped SigmaHQ rule folder loads and compiles through the file loader with 0 failures. */
const content = new URL('../../../shared/content/sigma/', import.meta.url).pathname;
const present = existsSync(content);
if (!present) console.log(`skipping Sigma conformance: ${content} is absent`);

const folders = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-compliance', 'rules-placeholder'];

describe.skipIf(!present)('SigmaHQ rule conformance', () => {
  it('loads and compiles every rule of every folder with 0 failures', { timeout: 120_000 }, async () => {
    const loaded = await loadRulePaths(folders.map((f) => join(content, f)));
    const detector = new Detector({ ruleSet: loaded.ruleSet, correlations: loaded.correlations });
    const failed = [...loaded.errors, ...detector.errors].map((e) => `${loadErrorLocation(e)}: ${e.message}`);
    console.log(`sigma conformance: ${loaded.files} files, ${loaded.ruleSet.size} rules, ${detector.correlations().length} correlations, ${failed.length} failed`);
    expect(failed).toEqual([]);
    expect(loaded.files).toBeGreaterThan(3000);
    expect(loaded.ruleSet.size + detector.correlations().length).toBeGreaterThanOrEqual(loaded.files);
  });
});
