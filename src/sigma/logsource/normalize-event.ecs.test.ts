import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEvents } from '../../hunt/read-events.js';
import { loadRuleTexts } from '../load-rules.js';
import { normalizeEvent } from './normalize-event.js';

const shared = fileURLToPath(new URL('../../../../shared/', import.meta.url));
const regression = join(shared, 'testdata/sigma-regression');
const present = existsSync(join(regression, 'index.json'));
if (!present) console.log(`skipping ECS normalisation tests: ${regression} is absent`);

type Obj = Record<string, unknown>;

/** Sets a dotted ECS path in a nested object. */
function put(target: Obj, path: string, value: unknown): void {
  if (value === undefined) return;
  const parts = path.split('.');
  let cur = target;
  for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Obj;
  cur[parts[parts.length - 1]!] = value;
}

// What Winlogbeat 8's Sysmon module does to a Sysmon record, written from its documentation
// independently of the pipeline under test: these EventData fields move to ECS paths and leave
// `winlog.event_data`.
const moved: Record<number, Record<string, string>> = {
  1: {
    Image: 'process.executable', CommandLine: 'process.command_line', ProcessId: 'process.pid', ProcessGuid: 'process.entity_id',
    CurrentDirectory: 'process.working_directory', ParentImage: 'process.parent.executable', ParentCommandLine: 'process.parent.command_line',
    ParentProcessId: 'process.parent.pid', ParentProcessGuid: 'process.parent.entity_id', OriginalFileName: 'process.pe.original_file_name',
    Description: 'process.pe.description', Product: 'process.pe.product', Company: 'process.pe.company', FileVersion: 'process.pe.file_version',
  },
  7: {
    Image: 'process.executable', ProcessId: 'process.pid', ProcessGuid: 'process.entity_id', ImageLoaded: 'file.path',
    OriginalFileName: 'file.pe.original_file_name', Description: 'file.pe.description', Product: 'file.pe.product', Company: 'file.pe.company',
    FileVersion: 'file.pe.file_version', Signature: 'file.code_signature.subject_name', SignatureStatus: 'file.code_signature.status',
  },
  10: { SourceImage: 'process.executable', SourceProcessId: 'process.pid', SourceProcessGUID: 'process.entity_id', SourceProcessGuid: 'process.entity_id', SourceThreadId: 'process.thread.id' },
  11: { Image: 'process.executable', ProcessId: 'process.pid', ProcessGuid: 'process.entity_id', TargetFilename: 'file.path' },
  12: { Image: 'process.executable', ProcessId: 'process.pid', ProcessGuid: 'process.entity_id', TargetObject: 'registry.path' },
  13: { Image: 'process.executable', ProcessId: 'process.pid', ProcessGuid: 'process.entity_id', TargetObject: 'registry.path' },
  17: { Image: 'process.executable', ProcessId: 'process.pid', ProcessGuid: 'process.entity_id', PipeName: 'file.name' },
};

/** A Winlogbeat 8 ECS document built from an evtx_dump Sysmon record. */
function toEcs(evtx: Obj): Obj {
  const event = evtx['Event'] as Obj;
  const system = event['System'] as Obj;
  const data = { ...(event['EventData'] as Obj) };
  const id = system['EventID'] as number;
  const doc: Obj = {
    '@timestamp': ((system['TimeCreated'] as Obj)['#attributes'] as Obj)['SystemTime'],
    event: { code: String(id), provider: 'Microsoft-Windows-Sysmon', module: 'sysmon' },
    host: { name: system['Computer'] },
    winlog: {
      channel: system['Channel'], event_id: String(id), computer_name: system['Computer'], record_id: system['EventRecordID'],
      provider_name: ((system['Provider'] as Obj)['#attributes'] as Obj)['Name'],
    },
  };
  for (const [field, path] of Object.entries(moved[id] ?? {})) {
    if (data[field] === undefined) continue;
    put(doc, path, data[field]);
    delete data[field];
  }
  if (id === 13 && data['Details'] !== undefined) {
    put(doc, 'registry.data.strings', [data['Details']]);
    delete data['Details'];
  }
  if (id === 7 && data['Signed'] !== undefined) {
    put(doc, 'file.code_signature.signed', data['Signed'] === 'true');
    delete data['Signed'];
  }
  if (typeof data['User'] === 'string' && data['User'].includes('\\')) {
    const [domain, name] = data['User'].split('\\');
    put(doc, 'user.domain', domain);
    put(doc, 'user.name', name);
    delete data['User'];
  }
  if (typeof data['Hashes'] === 'string') {
    const hash: Obj = {};
    for (const kv of data['Hashes'].split(',')) {
      const [k, v] = kv.split('=');
      if (k && v) hash[k.toLowerCase()] = v.toLowerCase();
    }
    put(doc, id === 1 ? 'process.hash' : 'file.hash', hash);
    delete data['Hashes'];
  }
  (doc['winlog'] as Obj)['event_data'] = data;
  return doc;
}

/** The same document with dotted keys, as some exports write ECS. */
function dotted(doc: Obj, prefix = '', out: Obj = {}): Obj {
  for (const [k, v] of Object.entries(doc)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) dotted(v as Obj, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

interface Entry { rule_id: string; rule_path: string; json_path: string | null }

describe.skipIf(!present)('normalizeEvent on ECS (Winlogbeat 8) documents built from the regression events', () => {
  const entries = present ? (JSON.parse(readFileSync(join(regression, 'index.json'), 'utf8')) as Entry[]) : [];

  it('classifies and maps an ECS document like its evtx original, and the same rule fires on both', async () => {
    let compared = 0;
    let fired = 0;
    const problems: string[] = [];
    for (const e of entries) {
      if (e.json_path === null) continue;
      const { ruleSet, errors } = loadRuleTexts([{ path: e.rule_path, text: readFileSync(join(shared, 'content/sigma', e.rule_path), 'utf8') }]);
      expect(errors).toEqual([]);
      for await (const r of readEvents(join(regression, e.json_path))) {
        const system = (r.raw['Event'] as Obj)['System'] as Obj;
        if (system['Channel'] !== 'Microsoft-Windows-Sysmon/Operational' || !((system['EventID'] as number) in moved)) continue;
        const fromEvtx = normalizeEvent(r.raw);
        const ecs = toEcs(r.raw);
        for (const [label, doc] of [['nested', ecs], ['dotted', dotted(ecs)]] as const) {
          const fromEcs = normalizeEvent(doc);
          compared++;
          const where = `${e.rule_path} (${label})`;
          if (JSON.stringify(fromEcs.logsource) !== JSON.stringify(fromEvtx.logsource)) problems.push(`${where}: logsource ${JSON.stringify(fromEcs.logsource)}`);
          for (const f of ['EventID', 'Channel', 'Computer', 'Image', 'CommandLine', 'ParentImage', 'OriginalFileName', 'TargetFilename',
            'TargetObject', 'Details', 'ImageLoaded', 'PipeName', 'SourceImage', 'TargetImage', 'User', 'ProcessId', 'Signed']) {
            if (JSON.stringify(fromEcs.fields[f]) !== JSON.stringify(fromEvtx.fields[f])) problems.push(`${where}: ${f} ${JSON.stringify(fromEcs.fields[f])} vs ${JSON.stringify(fromEvtx.fields[f])}`);
          }
          const a = ruleSet.match(fromEvtx).length;
          const b = ruleSet.match(fromEcs).length;
          if (a !== b) problems.push(`${where}: rule fired ${a} time(s) on evtx, ${b} on ECS`);
          if (b > 0) fired++;
        }
      }
    }
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(200);
    expect(fired).toBeGreaterThan(200);
  }, 120_000);

  it('rebuilds Sysmon Hashes from an ECS hash object', () => {
    const ev = normalizeEvent({
      winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: '1', event_data: {} },
      process: { executable: 'C:\\x.exe', hash: { sha256: 'abc', md5: 'def' } },
    });
    expect(ev.logsource.category).toBe('process_creation');
    expect(ev.fields['Hashes']).toBe('MD5=DEF,SHA256=ABC');
    expect(ev.fields['EventID']).toBe(1);
  });
});
