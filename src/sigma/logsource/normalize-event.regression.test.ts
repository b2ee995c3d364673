import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readEvents } from '../../hunt/read-events.js';
import type { Logsource, SigmaEvent } from '../sigma-types.js';
import { logsourceMatches } from './logsource-aliases.js';
import { normalizeEvent } from './normalize-event.js';

const shared = fileURLToPath(new URL('../../../../shared/', import.meta.url));
const regression = join(shared, 'testdata/sigma-regression');
const present = existsSync(join(regression, 'index.json'));
if (!present) console.log(`skipping regression normalisation tests: ${regression} is absent`);

interface Entry {
  rule_id: string;
  rule_path: string;
  json_path: string | null;
  evtx_path: string | null;
}

const entries: Entry[] = present ? (JSON.parse(readFileSync(join(regression, 'index.json'), 'utf8')) as Entry[]) : [];

async function normalizedFile(path: string): Promise<SigmaEvent[]> {
  const out: SigmaEvent[] = [];
  for await (const r of readEvents(path)) out.push(normalizeEvent(r.raw));
  return out;
}

function ruleLogsource(e: Entry): Logsource {
  const doc = parseYaml(readFileSync(join(shared, 'content/sigma', e.rule_path), 'utf8')) as { logsource: Logsource };
  return doc.logsource;
}

describe.skipIf(!present)('normalizeEvent on the SigmaHQ regression events (evtx_dump JSON)', () => {
  const windows = entries.filter((e) => e.json_path !== null);

  it('routes at least one event of every folder to its rule logsource, with the System part flattened', async () => {
    expect(windows.length).toBeGreaterThan(100);
    const misrouted: string[] = [];
    for (const e of windows) {
      const events = await normalizedFile(join(regression, e.json_path!));
      expect(events.length).toBeGreaterThan(0);
      for (const ev of events) {
        expect(ev.logsource.product).toBe('windows');
        expect(typeof ev.fields['EventID']).toBe('number');
        expect(typeof ev.fields['Channel']).toBe('string');
        expect(typeof ev.fields['Provider_Name']).toBe('string');
        expect(typeof ev.fields['Computer']).toBe('string');
        expect(ev.fields['TimeCreated_SystemTime']).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(ev.logsource.service).toBeDefined();
      }
      const wanted = ruleLogsource(e);
      if (!events.some((ev) => logsourceMatches(wanted, ev.logsource))) misrouted.push(`${e.rule_path}: ${JSON.stringify(events.map((ev) => ev.logsource))}`);
    }
    expect(misrouted).toEqual([]);
  });

  it('flattens the one UserData event (WMI-Activity 5858) like EventData', async () => {
    const e = windows.find((x) => x.rule_path.includes('win_wmi_activity_nteventlogfile_cleareventlog'));
    expect(e).toBeDefined();
    const [ev] = await normalizedFile(join(regression, e!.json_path!));
    expect(ev!.logsource).toEqual({ product: 'windows', service: 'wmi' });
    expect(ev!.fields['EventID']).toBe(5858);
    expect(ev!.fields['Operation']).toContain('Win32_NTEventlogFile');
    expect(ev!.fields['Operation']).toContain('cleareventlog');
    expect(ev!.fields['ClientProcessId']).toBe(25920);
    expect(ev!.fields['PossibleCause']).toBe('Unknown');
  });

  it('classifies Sysmon 12 by EventType (DeleteKey/DeleteValue → registry_delete)', async () => {
    const deletes = windows.filter((x) => x.rule_path.includes('/registry_delete/'));
    expect(deletes.length).toBeGreaterThan(0);
    for (const e of deletes) {
      const events = await normalizedFile(join(regression, e.json_path!));
      for (const ev of events) {
        expect(ev.fields['EventID']).toBe(12);
        expect(ev.logsource.category).toBe('registry_delete');
      }
    }
  });
});

describe.skipIf(!present)('normalizeEvent on the same records read from .evtx', () => {
  const both = entries.filter((e) => e.json_path !== null && e.evtx_path !== null);

  it('gives every rendered EVTX record the logsource and key fields of its JSON twin', async () => {
    expect(both.length).toBeGreaterThan(100);
    const differences: string[] = [];
    for (const e of both) {
      const fromJson = await normalizedFile(join(regression, e.json_path!));
      const fromEvtx = await normalizedFile(join(regression, e.evtx_path!));
      expect(fromEvtx.length).toBe(fromJson.length);
      fromJson.forEach((j, i) => {
        const x = fromEvtx[i]!;
        const label = `${e.rule_path}#${i}`;
        if (JSON.stringify(x.logsource) !== JSON.stringify(j.logsource)) differences.push(`${label} logsource`);
        for (const f of ['EventID', 'Channel', 'Provider_Name', 'Computer', 'Image', 'TargetObject', 'TargetFilename', 'ImageLoaded', 'PipeName', 'Operation']) {
          // evtx_dump trims trailing spaces of values and drops GUID braces (README); compare trimmed text.
          const a = j.fields[f] === undefined ? undefined : String(j.fields[f]).trim();
          const b = x.fields[f] === undefined ? undefined : String(x.fields[f]).trim();
          if (a !== b) differences.push(`${label} ${f}: ${a} vs ${b}`);
        }
      });
    }
    expect(differences).toEqual([]);
  }, 120_000);
});
