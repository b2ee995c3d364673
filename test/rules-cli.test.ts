import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';

const content = path.resolve(process.cwd(), '../shared/content/sigma');
const present = existsSync(content);
if (!present) console.log(`skipping rules check CLI tests: ${content} is absent`);

const rules = [
  'rules/windows/process_creation/proc_creation_win_sc_stop_service.yml',
  'rules/windows/file/file_event/file_event_win_hktl_netexec_file_indicators.yml',
  'rules/windows/builtin/security/win_security_explicit_credential_local_logon.yml',
];
const dir = mkdtempSync(path.join(tmpdir(), 'sw-rules-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rulesDir = path.join(dir, 'rules');
if (present) {
  mkdirSync(rulesDir);
  for (const r of rules) copyFileSync(path.join(content, r), path.join(rulesDir, path.basename(r)));
}

describe.skipIf(!present)('shieldwall rules check', () => {
  it('exits 0 and counts the rules of a valid tree', async () => {
    const res = await runCli(['rules', 'check', rulesDir, '--format', 'json']);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ files: 3, rules_loaded: 3, failed: 0, errors: [] });
  });

  it('lists each rule that failed with path:line:column and exits 1', async () => {
    const broken = path.join(dir, 'broken');
    mkdirSync(broken);
    copyFileSync(path.join(content, rules[0]!), path.join(broken, 'good.yml'));
    writeFileSync(path.join(broken, 'bad-yaml.yml'), 'title: x\ndetection:\n  selection:\n    Image: [unclosed\n');
    writeFileSync(path.join(broken, 'no-condition.yml'), 'title: No condition\nid: 5f0b1a94-8a9e-4c53-9f0e-2b8d1c0a6e11\nlogsource:\n  product: windows\ndetection:\n  selection:\n    Image: x.exe\n');
    const res = await runCli(['rules', 'check', broken]);
    expect(res.code).toBe(1);
    const out = res.stdout.trim().split('\n');
    expect(out.find((l) => l.includes('bad-yaml.yml'))).toMatch(/bad-yaml\.yml:\d+:\d+: /);
    expect(out.some((l) => l.includes('no-condition.yml'))).toBe(true);
    expect(out.at(-1)).toMatch(/3 file\(s\): 1 rule\(s\) and 0 correlation\(s\) loaded, 2 failed/);
  });
});
