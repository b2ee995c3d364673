import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listRuleFiles, loadRulePaths } from './rule-loader.js';

const content = new URL('../../../shared/content/sigma/', import.meta.url).pathname;
const present = existsSync(content);
if (!present) console.log(`skipping rule-loader tests: ${content} is absent`);

const dir = mkdtempSync(join(tmpdir(), 'sw-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const real = [
  'rules/windows/process_creation/proc_creation_win_sc_stop_service.yml',
  'rules/windows/file/file_event/file_event_win_hktl_netexec_file_indicators.yml',
];

describe.skipIf(!present)('rule loader', () => {
  it('lists .yml/.yaml files recursively in sorted order, skipping hidden folders and other files', async () => {
    const root = join(dir, 'tree');
    mkdirSync(join(root, 'b/nested'), { recursive: true });
    mkdirSync(join(root, '.git'));
    copyFileSync(join(content, real[0]!), join(root, 'b/nested/one.yml'));
    copyFileSync(join(content, real[1]!), join(root, 'a.yaml'));
    writeFileSync(join(root, '.git/config.yml'), 'x: 1');
    writeFileSync(join(root, 'README.md'), '# rules');
    expect(await listRuleFiles(root)).toEqual([join(root, 'a.yaml'), join(root, 'b/nested/one.yml')]);
    expect(await listRuleFiles(join(root, 'a.yaml'))).toEqual([join(root, 'a.yaml')]);
    await expect(listRuleFiles(join(root, 'nope'))).rejects.toThrow(/does not exist/);
  });

  it('loads real rules from several paths into one rule set and reports bad files with their path', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'broken.yml'), 'title: broken\ndetection: [\n');
    const loaded = await loadRulePaths([join(content, real[0]!), join(content, real[1]!), bad]);
    expect(loaded.files).toBe(3);
    expect(loaded.ruleSet.size).toBe(2);
    expect(loaded.ruleSet.rules().map((r) => r.path)).toEqual([join(content, real[0]!), join(content, real[1]!)]);
    expect(loaded.errors).toHaveLength(1);
    expect(loaded.errors[0]).toMatchObject({ path: join(bad, 'broken.yml'), line: expect.any(Number) });
  });

  it('reads a file given twice only once', async () => {
    const p = join(content, real[0]!);
    const loaded = await loadRulePaths([p, p]);
    expect(loaded.files).toBe(1);
    expect(loaded.ruleSet.size).toBe(1);
  });
});
