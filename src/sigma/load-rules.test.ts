import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRuleTexts } from './load-rules.js';

const root = fileURLToPath(new URL('../../../shared/content/sigma/', import.meta.url));
const present = existsSync(root);
if (!present) console.log(`skipping the SigmaHQ conformance test: ${root} is absent`);

function ruleFiles(dir: string, out: { path: string; text: string }[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) ruleFiles(p, out);
    else if (/\.ya?ml$/i.test(name)) out.push({ path: p.slice(root.length), text: readFileSync(p, 'utf8') });
  }
}

describe.skipIf(!present)('every SigmaHQ rule shipped under content/sigma', () => {
  it('loads and compiles with zero failures', () => {
    const files: { path: string; text: string }[] = [];
    for (const d of readdirSync(root).filter((n) => n.startsWith('rules')).sort()) ruleFiles(join(root, d), files);
    expect(files.length).toBeGreaterThan(3700);
    const out = loadRuleTexts(files);
    if (out.errors.length > 0) console.log(out.errors.map((e) => `${e.path}:${e.line}:${e.column} ${e.message}`).join('\n'));
    expect(out.errors).toEqual([]);
    // Each file is one rule, one correlation or one filter document (plus multi-document files).
    expect(out.ruleSet.size + out.correlations.length + out.filters.length).toBeGreaterThanOrEqual(files.length);
    expect(out.ruleSet.size).toBe(out.rules.length);
    expect(out.rules.every((r) => r.meta.title !== '' && r.meta.id !== '')).toBe(true);
    // Placeholder rules load too (placeholders without values become wildcards).
    expect(out.rules.some((r) => r.path.startsWith('rules-placeholder'))).toBe(true);
  }, 60_000);

  it('gives the same rule set without keeping the parsed rules (keepRules: false)', () => {
    const files: { path: string; text: string }[] = [];
    ruleFiles(join(root, 'rules/windows/process_creation'), files);
    const kept = loadRuleTexts(files);
    const dropped = loadRuleTexts(files, { keepRules: false });
    expect(dropped.rules).toEqual([]);
    expect(dropped.errors).toEqual(kept.errors);
    expect(dropped.ruleSet.rules()).toEqual(kept.ruleSet.rules());
    const event = { logsource: { product: 'windows', category: 'process_creation' }, fields: { Image: 'C:\\Windows\\System32\\sc.exe', CommandLine: 'sc stop WinDefend' } };
    const ids = (m: { rule: { id: string } }[]) => m.map((x) => x.rule.id);
    expect(ids(kept.ruleSet.match(event)).length).toBeGreaterThan(0);
    expect(ids(dropped.ruleSet.match(event))).toEqual(ids(kept.ruleSet.match(event)));
  });
});
