import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRulePaths } from '../../hunt/rule-loader.js';
import { normalizeEvent } from '../logsource/normalize-event.js';
import { windowsLogsources } from '../logsource/windows-classifier.js';
import type { RuleSet } from './compile-rule-set.js';

/**
 * Every Windows rule bucket of the full SigmaHQ rule set, built for real: the Security-Datasets
 * events reach only some logsources, and a bucket first built in production must not fail there.
 */
const rulesDir = join(new URL('../../../../shared/', import.meta.url).pathname, 'content/sigma');
const present = existsSync(rulesDir);
if (!present) console.log(`skipping full rule set bucket tests: ${rulesDir} is absent`);

describe.skipIf(!present)('the full SigmaHQ rule set, bucket by bucket', () => {
  let ruleSet: RuleSet;
  beforeAll(async () => {
    const loaded = await loadRulePaths([rulesDir]);
    expect(loaded.errors).toEqual([]);
    ruleSet = loaded.ruleSet;
  }, 60_000);

  it('builds the bucket of every Windows logsource the classifier answers', () => {
    const logsources = windowsLogsources();
    expect(logsources.length).toBeGreaterThan(40);
    for (const logsource of logsources) {
      expect(() => ruleSet.match({ logsource, fields: { Image: 'C:\\Windows\\System32\\cmd.exe' } }), JSON.stringify(logsource)).not.toThrow();
    }
  });

  it('detects a vulnerable driver load (Sysmon 6), whose bucket automaton has over 100,000 states', () => {
    // The driver hash lists of windows/driver_load overflowed the call stack when the automaton
    // renumbered its states with a spread into splice().
    const event = normalizeEvent({
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      EventID: 6,
      ImageLoaded: 'C:\\Users\\Public\\WinRing0x64.sys',
      Hashes: 'SHA256=0000000000000000000000000000000000000000000000000000000000000000,IMPHASH=D41FA95D4642DC981F10DE36F4DC8CD7',
    });
    expect(event.logsource).toMatchObject({ product: 'windows', category: 'driver_load' });
    const ids = ruleSet.match(event).map((m) => m.rule.id);
    expect(ids).toContain('1a42dfa6-6cb2-4df9-9b48-295be477e835');
  });
});
