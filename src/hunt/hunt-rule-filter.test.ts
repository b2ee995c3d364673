import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSigmaDocuments } from '../sigma/index.js';
import type { RuleMeta } from '../sigma/sigma-types.js';
import { isSigmaStatus, ruleSelected } from './hunt-rule-filter.js';

const content = new URL('../../../shared/content/sigma/', import.meta.url).pathname;
const present = existsSync(content);
if (!present) console.log(`skipping rule filter tests on SigmaHQ rules: ${content} is absent`);

/** The metadata of a shipped SigmaHQ rule, parsed as a hunt loads it. */
const metaOf = (path: string): RuleMeta => {
  const parsed = parseSigmaDocuments(readFileSync(join(content, path), 'utf8'), path);
  expect(parsed.errors).toEqual([]);
  return parsed.rules[0]!.meta;
};

describe.skipIf(!present)('ruleSelected', () => {
  // status test; tags attack.credential-access, attack.t1003.001, … (see the file)
  const mimikatz = () => metaOf('rules/windows/builtin/win_alert_mimikatz_keywords.yml');

  it('keeps a rule whose status is listed and drops the others', () => {
    const m = mimikatz();
    expect(m.status).toBe('test');
    expect(ruleSelected({ statuses: ['stable', 'test'] }, m)).toBe(true);
    expect(ruleSelected({ statuses: ['stable'] }, m)).toBe(false);
  });

  it('matches a tag itself or below it in the dotted namespace, case-insensitively', () => {
    const m = mimikatz();
    expect(m.tags).toContain('attack.t1003.001');
    expect(ruleSelected({ tags: ['attack.t1003'] }, m)).toBe(true);
    expect(ruleSelected({ tags: ['attack.t1003.001'] }, m)).toBe(true);
    expect(ruleSelected({ tags: ['attack.credential-access'] }, { ...m, tags: m.tags.map((t) => t.toUpperCase()) })).toBe(true);
    // A prefix that is not a whole namespace step is not a parent: t100 is not t1003's parent.
    expect(ruleSelected({ tags: ['attack.t100'] }, m)).toBe(false);
    expect(ruleSelected({ tags: ['attack.execution', 'attack.t1059'] }, m)).toBe(false);
    expect(ruleSelected({ tags: ['attack.execution', 'attack.s0002'] }, m)).toBe(true);
  });

  it('needs both lists to hold when both are given; an empty filter keeps everything', () => {
    const m = mimikatz();
    expect(ruleSelected({ statuses: ['test'], tags: ['attack.t1003'] }, m)).toBe(true);
    expect(ruleSelected({ statuses: ['stable'], tags: ['attack.t1003'] }, m)).toBe(false);
    expect(ruleSelected({ statuses: ['test'], tags: ['attack.t1059'] }, m)).toBe(false);
    expect(ruleSelected({}, m)).toBe(true);
  });
});

describe('isSigmaStatus', () => {
  it('knows the five statuses of the specification', () => {
    expect(['stable', 'test', 'experimental', 'deprecated', 'unsupported'].every(isSigmaStatus)).toBe(true);
    expect(isSigmaStatus('production')).toBe(false);
  });
});
