import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SigmaEvent } from '../sigma-types.js';
import { normalizeEvent } from './normalize-event.js';
import { windowsChannelServices } from './pipelines/windows-channel-services.js';

const root = fileURLToPath(new URL('../../../../shared/testdata/security-datasets/', import.meta.url));
const present = existsSync(join(root, 'index.json'));
if (!present) console.log(`skipping Security-Datasets normalisation tests: ${root} is absent`);

interface Dataset {
  dataset: string;
  file: string;
}
const datasets: Dataset[] = present ? (JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as Dataset[]) : [];

/** The first `limit` events of a dataset (the whole file for the small ones). */
function readDataset(file: string, limit: number): Record<string, unknown>[] {
  const text = gunzipSync(readFileSync(join(root, file))).toString('utf8');
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (out.length >= limit) break;
    const trimmed = line.trim();
    if (trimmed !== '') out.push(JSON.parse(trimmed) as Record<string, unknown>);
  }
  return out;
}

function byName(name: string): Dataset {
  const d = datasets.find((x) => x.file.includes(name));
  if (!d) throw new Error(`dataset ${name} not in index.json`);
  return d;
}

const serviceAccounts: Record<string, string> = { '0x3e7': 'NT AUTHORITY\\SYSTEM', '0x3e4': 'NT AUTHORITY\\NETWORK SERVICE', '0x3e5': 'NT AUTHORITY\\LOCAL SERVICE' };

/** The new process's account of a 4688 record, as Sysmon would print it (the documented rule). */
function expectedUser(raw: Record<string, unknown>): string {
  for (const side of ['Target', 'Subject']) {
    const logon = String(raw[`${side}LogonId`] ?? '').toLowerCase();
    if (serviceAccounts[logon]) return serviceAccounts[logon]!;
    if (raw[`${side}UserSid`] === 'S-1-5-18') return 'NT AUTHORITY\\SYSTEM';
    const name = raw[`${side}UserName`];
    if (typeof name === 'string' && name !== '' && name !== '-') return `${String(raw[`${side}DomainName`])}\\${name}`;
  }
  return 'no user';
}

const knownServices = new Map(windowsChannelServices.map(([c, s]) => [c.toLowerCase(), s]));

describe.skipIf(!present)('normalizeEvent on Security-Datasets (NXLog flat, Winlogbeat 6, Azure)', () => {
  // 400 events of each of the 81 datasets: every layout and channel, ~32k events.
  const sample: { raw: Record<string, unknown>; ev: SigmaEvent; dataset: string }[] = [];
  if (present) {
    for (const d of datasets) for (const raw of readDataset(d.file, 400)) sample.push({ raw, ev: normalizeEvent(raw), dataset: d.dataset });
  }

  it('gives every event with a known channel (any case) its service, and numeric EventIDs', () => {
    expect(sample.length).toBeGreaterThan(20_000);
    let classified = 0;
    for (const { ev } of sample) {
      const channel = ev.fields['Channel'];
      if (typeof channel !== 'string') continue;
      expect(ev.logsource.product).toBe('windows');
      expect(typeof ev.fields['EventID']).toBe('number');
      const service = knownServices.get(channel.toLowerCase());
      if (service !== undefined) {
        expect(ev.logsource.service).toBe(service);
        classified++;
      }
    }
    expect(classified).toBeGreaterThan(sample.length * 0.9);
  });

  it('classifies lower-case "security" channel events like "Security"', () => {
    const lower = sample.filter(({ raw }) => raw['Channel'] === 'security');
    expect(lower.length).toBeGreaterThan(100);
    for (const { ev } of lower) expect(ev.logsource.service).toBe('security');
  });

  it('adds the Sigma spelling of key-case variants, and leaves the raw record alone', () => {
    const variants = sample.filter(({ raw }) => raw['ProcessID'] !== undefined && raw['ProcessId'] === undefined);
    expect(variants.length).toBeGreaterThan(0);
    for (const { raw, ev } of variants) {
      expect(ev.fields['ProcessID']).toBe(raw['ProcessID']);
      expect(ev.fields).not.toBe(raw);
      // 4688 re-derives ProcessId from NewProcessId; elsewhere the folded value is the raw one.
      if (ev.fields['EventID'] !== 4688) expect(ev.fields['ProcessId']).toBe(raw['ProcessID']);
    }
  });

  it('maps Sysmon 1 to process_creation with the Sysmon fields in place', () => {
    const procs = sample.filter(({ ev }) => ev.logsource.service === 'sysmon' && ev.fields['EventID'] === 1);
    expect(procs.length).toBeGreaterThan(50);
    for (const { raw, ev } of procs) {
      expect(ev.logsource.category).toBe('process_creation');
      expect(typeof ev.fields['Image']).toBe('string');
      expect(typeof ev.fields['CommandLine']).toBe('string');
      // One NXLog set has no provider key at all; the others name it SourceName or Provider.
      const provider = raw['SourceName'] ?? raw['Provider'];
      if (provider !== undefined) expect(ev.fields['Provider_Name']).toBe(provider);
    }
  });

  it('derives the Sysmon process_creation fields of Security 4688', () => {
    const procs = sample.filter(({ ev }) => ev.logsource.service === 'security' && ev.fields['EventID'] === 4688);
    expect(procs.length).toBeGreaterThan(20);
    for (const { raw, ev } of procs) {
      expect(ev.logsource.category).toBe('process_creation');
      expect(ev.fields['Image']).toBe(raw['NewProcessName']);
      expect(ev.fields['ParentImage']).toBe(raw['ParentProcessName']);
      expect(ev.fields['NewProcessName']).toBe(raw['NewProcessName']);
      expect(ev.fields['ProcessId']).toBe(parseInt(String(raw['NewProcessId']), 16));
      expect(ev.fields['ParentProcessId']).toBe(parseInt(String(raw['ProcessId'] ?? raw['ProcessID']), 16));
      expect(ev.fields['User']).toBe(expectedUser(raw));
      if (raw['MandatoryLabel'] === 'S-1-16-16384') expect(ev.fields['IntegrityLevel']).toBe('System');
      if (raw['CommandLine'] !== undefined) expect(ev.fields['CommandLine']).toBe(raw['CommandLine']);
    }
  });

  it('splits Sysmon 12 NXLog events by their EventType, generic when NXLog lost it', () => {
    const reg = sample.filter(({ ev }) => ev.logsource.service === 'sysmon' && ev.fields['EventID'] === 12);
    expect(reg.length).toBeGreaterThan(0);
    const seen = new Set<string | undefined>();
    for (const { ev } of reg) {
      // Some NXLog sets overwrote Sysmon's EventType with their own severity ("INFO") or dropped it;
      // Azure rows carry it inside the EventData string.
      const type = String(ev.fields['EventType']);
      const expected = type.startsWith('Delete') ? 'registry_delete' : type.startsWith('Create') ? 'registry_add' : 'registry_event';
      expect(ev.logsource.category).toBe(expected);
      seen.add(ev.logsource.category);
    }
    expect(seen.has('registry_add')).toBe(true);
  });

  it('reads Winlogbeat 6 records (log_name, event_id, event_data)', () => {
    const events = readDataset(byName('empire_mimikatz_opth').file, 2000).map((raw) => ({ raw, ev: normalizeEvent(raw) }));
    expect(events.length).toBeGreaterThan(1000);
    for (const { raw, ev } of events) {
      expect(ev.fields['Channel']).toBe(raw['log_name']);
      expect(ev.fields['EventID']).toBe(raw['event_id']);
      expect(ev.fields['Computer']).toBe(raw['computer_name']);
      expect(ev.logsource.product).toBe('windows');
    }
    const modules = events.filter(({ ev }) => ev.fields['EventID'] === 4103);
    expect(modules.length).toBeGreaterThan(0);
    for (const { raw, ev } of modules) {
      expect(ev.logsource).toEqual({ product: 'windows', service: 'powershell', category: 'ps_module' });
      expect(ev.fields['Payload']).toBe((raw['event_data'] as Record<string, unknown>)['Payload']);
    }
  });

  it('parses the JSON EventData string of Azure Sysmon exports', () => {
    const events = readDataset(byName('sysmon_log4shell').file, 1000).map((raw) => normalizeEvent(raw));
    const conns = events.filter((ev) => ev.fields['EventID'] === 3);
    expect(conns.length).toBeGreaterThan(0);
    for (const ev of conns) {
      expect(ev.logsource).toEqual({ product: 'windows', service: 'sysmon', category: 'network_connection' });
      expect(ev.fields['DestinationIp']).toMatch(/^[\d.:a-f]+$/);
      expect(typeof ev.fields['Image']).toBe('string');
      expect(ev.fields['EventData']).toBeUndefined();
    }
  });

  it('parses the XML EventData string of Azure Security exports and derives 5156 network fields', () => {
    const events = readDataset(byName('securityauditing_log4shell').file, 1000).map((raw) => normalizeEvent(raw));
    const wfp = events.filter((ev) => ev.fields['EventID'] === 5156);
    expect(wfp.length).toBeGreaterThan(0);
    for (const ev of wfp) {
      expect(ev.logsource).toEqual({ product: 'windows', service: 'security', category: 'network_connection' });
      expect(ev.fields['DestinationIp']).toBe(ev.fields['DestAddress']);
      expect(ev.fields['DestinationPort']).toBe(ev.fields['DestPort']);
      expect(ev.fields['Image']).toBe(ev.fields['Application']);
      expect(['tcp', 'udp', 'icmp']).toContain(ev.fields['Protocol']);
      expect(['true', 'false']).toContain(ev.fields['Initiated']);
    }
  });

  it('takes the channel from EventLog when an Azure Event row has no Channel', () => {
    const events = readDataset(byName('GoldenSAMLADFSMailAccess/WindowsEvents').file, 100).map((raw) => ({ raw, ev: normalizeEvent(raw) }));
    const pipes = events.filter(({ raw }) => raw['EventLog'] === 'Microsoft-Windows-Sysmon/Operational' && raw['EventID'] === 18);
    expect(pipes.length).toBeGreaterThan(0);
    for (const { ev } of pipes) {
      expect(ev.logsource.category).toBe('pipe_created');
      expect(ev.fields['PipeName']).toContain('MICROSOFT##WID');
    }
  });

  it('derives Data from the rendered Message of NXLog classic PowerShell events', () => {
    const starts = sample.filter(({ ev }) => ev.logsource.category === 'ps_classic_start');
    expect(starts.length).toBeGreaterThan(0);
    for (const { ev } of starts) expect(ev.fields['Data']).toContain('HostApplication=');
  });
});
