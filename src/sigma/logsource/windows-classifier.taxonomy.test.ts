import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { logsourceMatches } from './logsource-aliases.js';
import { classifyWindowsEvent } from './windows-classifier.js';

const taxonomyPath = join(fileURLToPath(new URL('../../../../shared/reference/sigma-specification/', import.meta.url)), 'specification/sigma-appendix-taxonomy.md');
const present = existsSync(taxonomyPath);
if (!present) console.log(`skipping taxonomy conformance tests: ${taxonomyPath} is absent`);

interface Row { key: 'category' | 'service'; value: string; channels: string[]; eventIds: number[]; description: string }

/** The rows of the Windows Category and Service tables of the Sigma taxonomy appendix. */
function windowsRows(): Row[] {
  const text = readFileSync(taxonomyPath, 'utf8');
  const section = text.slice(text.indexOf('### Windows Folder'), text.indexOf('## Network Events'));
  const rows: Row[] = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const m = /^product: windows<br>(category|service): (\S+)$/.exec(cells[2] ?? '');
    if (!m) continue;
    const description = cells[3] ?? '';
    const channelPart = description.slice(description.indexOf('Channel:') + 8);
    const channels = description.includes('Channel:')
      ? channelPart.split('<br>').map((c) => c.replace(/^\s*-\s*/, '').replace(/^WinEventLog:/, '').trim()).filter((c) => c !== '')
      : [];
    const idPart = description.includes('Channel:') ? description.slice(0, description.indexOf('Channel:')) : description;
    const eventIds = [...idPart.matchAll(/\b(\d+)\b/g)].map((x) => Number(x[1]));
    rows.push({ key: m[1] as Row['key'], value: m[2]!, channels, eventIds, description });
  }
  return rows;
}

describe.skipIf(!present)('Windows classification against the Sigma taxonomy appendix', () => {
  const rows = present ? windowsRows() : [];

  it('maps the channel of every Service row to that service', () => {
    const services = rows.filter((r) => r.key === 'service');
    expect(services.length).toBeGreaterThan(40);
    const wrong: string[] = [];
    for (const r of services) {
      for (const channel of r.channels) {
        const ls = classifyWindowsEvent(channel, undefined, {}).logsource;
        if (!logsourceMatches({ product: 'windows', service: r.value }, ls)) wrong.push(`${channel} → ${JSON.stringify(ls)}, taxonomy says ${r.value}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('maps the Channel and EventIDs of every Category row to that category', () => {
    const categories = rows.filter((r) => r.key === 'category');
    const etwOnly = categories.filter((r) => r.channels.length === 0).map((r) => r.value);
    // file_access and file_rename come from the Kernel-File ETW provider, which has no event log channel.
    console.log(`taxonomy categories without a channel (not classified from event logs): ${etwOnly.join(', ')}`);
    expect(categories.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const r of categories.filter((x) => x.channels.length > 0)) {
      for (const channel of r.channels) {
        for (const id of r.eventIds) {
          // Sysmon 12 carries registry_add and registry_delete; its EventType says which.
          const fields = r.value === 'registry_delete' ? { EventType: 'DeleteKey' } : id === 12 ? { EventType: 'CreateKey' } : {};
          const ls = classifyWindowsEvent(channel, id, fields).logsource;
          if (!logsourceMatches({ product: 'windows', category: r.value }, ls)) wrong.push(`${channel} ${id} → ${JSON.stringify(ls)}, taxonomy says ${r.value}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
