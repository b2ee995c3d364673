import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { huntInputs } from '../../hunt/hunt-inputs.js';
import { readEvents } from '../../hunt/read-events.js';
import type { NormalizedEvent } from './normalized-event.js';
import { detectWindowsLayout } from './windows-layout.js';
import { normalizeWindows } from './windows-normalizer.js';

const shared = fileURLToPath(new URL('../../../../shared/testdata/', import.meta.url));
const regression = shared + 'sigma-regression/regression_data/';
const datasets = shared + 'security-datasets/datasets/';
const hasRegression = existsSync(regression);
const hasDatasets = existsSync(datasets);
if (!hasRegression) console.warn(`evtx_dump layout tests skipped: ${regression} is absent`);
if (!hasDatasets) console.warn(`Security-Datasets layout tests skipped: ${datasets} is absent`);
const receivedAt = Date.UTC(2026, 10, 25, 21, 0, 0);

/** The regression `.json` files, as a hunt of the folder finds them. */
async function regressionJson(): Promise<string[]> {
  return (await huntInputs([regression])).files.filter((f) => f.endsWith('.json'));
}
/** A file's events as the hunt reader reads them (some files hold several objects one after another). */
async function objects(file: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const r of readEvents(file)) out.push(r.raw);
  return out;
}
function normalized(obj: Record<string, unknown>): NormalizedEvent {
  const r = normalizeWindows(obj, receivedAt);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
function dataset(rel: string): Record<string, unknown>[] {
  return gunzipSync(readFileSync(datasets + rel)).toString('utf8').split('\n').filter((l) => l.trim().length > 0).map((l) => JSON.parse(l));
}

describe.skipIf(!hasRegression)('normalizeWindows: evtx_dump layout (sigma-regression)', () => {
  it('normalizes every event of all regression files with code, host and time', async () => {
    const files = await regressionJson();
    expect(files.length).toBeGreaterThan(100);
    let n = 0;
    for (const f of files) {
      for (const obj of await objects(f)) {
        expect(detectWindowsLayout(obj), f).toBe('evtx');
        const e = normalized(obj);
        expect(e.ecs['event.code'], f).toMatch(/^\d+$/);
        expect(e.ecs['host.name'], f).toBeTruthy();
        expect(e.time, f).not.toBe(receivedAt);
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(files.length);
  });

  it('maps a Sysmon image load with hashes', async () => {
    const file = (await regressionJson()).find((f) => f.includes('image_load_win_werfaultsecure_dbgcore_dbghelp_load'))!;
    const e = normalized((await objects(file))[0]!);
    expect(e.ecs).toMatchObject({
      '@timestamp': '2025-11-27T07:40:10.165Z', 'event.code': '7', 'event.module': 'sysmon', 'event.provider': 'Microsoft-Windows-Sysmon',
      'winlog.channel': 'Microsoft-Windows-Sysmon/Operational', 'winlog.record_id': '571146', 'host.name': 'swachchhanda',
      'process.pid': 4460, 'process.executable': 'C:\\Windows\\System32\\WerFaultSecure.exe', 'process.name': 'WerFaultSecure.exe',
      'file.path': 'C:\\Windows\\System32\\dbgcore.dll', 'file.name': 'dbgcore.dll',
      'file.hash.sha256': '1b48a4f8d20026e6c56e3ab4cc4788fa6425c8a75f8d91c2869fa533de6b209e', 'file.hash.md5': 'fab4b30c1c4f0a9202a7b42dcf1729dc',
    });
  });

  it('reads UserData events', async () => {
    const file = (await regressionJson()).find((f) => f.includes('win_wmi_activity_nteventlogfile_cleareventlog'))!;
    const e = normalized((await objects(file))[0]!);
    expect([e.ecs['user.domain'], e.ecs['user.name']]).toEqual(['swachchhanda', 'xodih']);
  });
});

describe.skipIf(!hasDatasets)('normalizeWindows: Security-Datasets layouts', () => {
  it('flat NXLog: Sysmon and Security 4688 with hex ids, case-varying keys', () => {
    const events = dataset('atomic/windows/credential_access/host/cmd_lsass_memory_dumpert_syscalls.ndjson.gz');
    expect(events.every((o) => detectWindowsLayout(o) === 'flat')).toBe(true);
    const all = events.map(normalized);
    expect(all.every((e) => e.ecs['host.name'] !== undefined && e.ecs['event.code'] !== undefined)).toBe(true);
    const sysmon1 = all.find((e) => e.ecs['event.module'] === 'sysmon' && e.ecs['event.code'] === '1')!;
    expect(sysmon1.ecs['event.category']).toEqual(['process']);
    expect(sysmon1.ecs['process.hash.sha256'] ?? sysmon1.ecs['process.hash.md5'] ?? sysmon1.ecs['process.hash.sha1']).toMatch(/^[0-9a-f]+$/);
    expect(sysmon1.ecs['process.parent.executable']).toBe(sysmon1.raw['ParentImage']);
    expect(sysmon1.ecs['process.command_line']).toBe(sysmon1.raw['CommandLine']);
    const p4688 = all.find((e) => e.ecs['event.code'] === '4688')!;
    const raw = p4688.raw as Record<string, string>;
    expect(p4688.ecs['process.pid']).toBe(Number.parseInt(raw['NewProcessId']!.slice(2), 16));
    expect(p4688.ecs['process.parent.pid']).toBe(Number.parseInt(raw['ProcessId']!.slice(2), 16));
    expect(p4688.ecs['process.executable']).toBe(raw['NewProcessName']);
    expect(p4688.ecs['event.module']).toBe('security');
    const target = raw['TargetUserName'] !== undefined && raw['TargetUserName'] !== '-';
    expect([p4688.ecs['user.domain'], p4688.ecs['user.name']]).toEqual(target ? [raw['TargetDomainName'], raw['TargetUserName']] : [raw['SubjectDomainName'], raw['SubjectUserName']]);
  });

  it('normalizes every event of every dataset under 400 events, with the right layout, code and host', () => {
    const index: { file: string; events: number }[] = JSON.parse(readFileSync(shared + 'security-datasets/index.json', 'utf8'));
    const small = index.filter((d) => d.events < 400);
    expect(small.length).toBeGreaterThanOrEqual(8);
    for (const d of small) {
      const events = dataset(d.file.replace(/^datasets\//, ''));
      expect(events, d.file).toHaveLength(d.events);
      for (const obj of events) {
        const e = normalized(obj);
        expect(e.ecs['event.code'], d.file).toMatch(/^\d+$/);
        expect(e.ecs['host.name'], d.file).toBeTruthy();
        expect(e.time, d.file).toBeGreaterThan(Date.UTC(2015, 0, 1));
        expect(e.time, d.file).toBeLessThan(Date.UTC(2024, 0, 1));
      }
    }
  });

  it('flat NXLog: lower-case "security" channel is still Security', () => {
    const events = dataset('atomic/windows/execution/host/cmd_sharpview_pcre_net.ndjson.gz').filter((o) => o['Channel'] === 'security');
    expect(events.length).toBeGreaterThan(0);
    expect(events.map(normalized).every((e) => e.ecs['event.module'] === 'security')).toBe(true);
  });

  it('Azure Monitor: XML EventData (Security 5156) and JSON EventData (Sysmon 3)', () => {
    const sec = dataset('compound/Log4Shell/securityauditing_log4shell_cve2021_44228_java_serialized_object.ndjson.gz');
    expect(sec.every((o) => detectWindowsLayout(o) === 'azure')).toBe(true);
    const wfp = sec.map(normalized).find((e) => e.ecs['event.code'] === '5156')!;
    expect(wfp.ecs).toMatchObject({ 'host.name': 'WORKSTATION5', 'source.ip': '192.168.3.5', 'source.port': 50452, 'destination.ip': '192.168.2.5', 'destination.port': 8080, 'network.transport': 'tcp', 'event.provider': 'Microsoft-Windows-Security-Auditing' });
    const sysmonFile = readdirSync(datasets + 'compound/Log4Shell').find((f) => f.startsWith('sysmon'))!;
    const net = dataset(`compound/Log4Shell/${sysmonFile}`).map(normalized).find((e) => e.ecs['event.code'] === '3')!;
    expect(net.ecs).toMatchObject({ 'event.module': 'sysmon', 'user.domain': 'NT AUTHORITY', 'user.name': 'LOCAL SERVICE', 'process.pid': 3936, 'network.transport': 'tcp' });
    const saml = dataset('compound/GoldenSAMLADFSMailAccess/WindowsEvents.ndjson.gz').map(normalized);
    expect(saml).toHaveLength(38);
    expect(saml[0]!.time).toBe(Date.UTC(2021, 7, 2, 13, 9, 20, 40));
  });

  it('Winlogbeat 6: event_data, log_name and the top-level user', () => {
    const events = dataset('atomic/windows/credential_access/host/empire_mimikatz_opth.ndjson.gz');
    expect(events.every((o) => detectWindowsLayout(o) === 'winlogbeat6')).toBe(true);
    const first = normalized(events[0]!);
    expect(first.ecs).toMatchObject({ '@timestamp': '2019-03-19T17:14:25.901Z', 'event.code': '4103', 'event.module': 'powershell', 'host.name': 'IT001.shire.com', 'winlog.channel': 'Microsoft-Windows-PowerShell/Operational', 'user.name': 'pgustavo', 'user.domain': 'SHIRE', 'winlog.record_id': '854122' });
    expect(first.message?.startsWith('CommandInvocation(Get-Random)')).toBe(true);
  });
});

describe('normalizeWindows: Winlogbeat 7+ ECS layout and errors', () => {
  // Hand-written in the documented Winlogbeat 8 shape (winlog.* with event_data), no testdata exists.
  const winlogbeat = {
    '@timestamp': '2023-04-01T10:00:00.123Z', message: 'Process Create', host: { name: 'ws01.example.local' },
    event: { code: '1', provider: 'Microsoft-Windows-Sysmon', kind: 'event' },
    winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: '1', provider_name: 'Microsoft-Windows-Sysmon', computer_name: 'ws01.example.local', record_id: 42,
      event_data: { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd.exe /c whoami', ProcessId: '4242', ParentImage: 'C:\\Windows\\explorer.exe', ParentProcessId: '1000', User: 'EXAMPLE\\bob', Hashes: 'MD5=00112233445566778899AABBCCDDEEFF' } },
  };

  it('maps winlog.event_data', () => {
    const e = normalized(winlogbeat);
    expect(e.ecs).toMatchObject({ 'event.code': '1', 'process.pid': 4242, 'process.name': 'cmd.exe', 'process.command_line': 'cmd.exe /c whoami', 'process.parent.pid': 1000, 'process.parent.name': 'explorer.exe', 'user.name': 'bob', 'user.domain': 'EXAMPLE', 'process.hash.md5': '00112233445566778899aabbccddeeff', 'winlog.record_id': '42' });
    expect(e.time).toBe(Date.UTC(2023, 3, 1, 10, 0, 0, 123));
  });

  it('returns precise errors and dates time-less events with receivedAt', () => {
    const r = normalizeWindows({ foo: 1 }, receivedAt);
    expect(!r.ok && r.error.code).toBe('WINDOWS_BAD_EVENT');
    const noId = normalizeWindows({ Event: { System: { Channel: 'Security' } } }, receivedAt);
    expect(!noId.ok && noId.error).toMatchObject({ code: 'WINDOWS_BAD_EVENT', field: 'Event.System.EventID' });
    const noTime = normalizeWindows({ EventID: 4624, Channel: 'Security', Hostname: 'dc1' }, receivedAt);
    expect(noTime.ok && [noTime.value.time, noTime.value.ecs['event.outcome']]).toEqual([receivedAt, 'success']);
  });
});
