import { describe, expect, it } from 'vitest';
import { normalizeEvent, normalizeEventInPlace } from './normalize-event.js';

// A Security 4688 record as NXLog wrote it in Security-Datasets (trimmed to the fields used here).
function nxlog4688(): Record<string, unknown> {
  return {
    SourceName: 'Microsoft-Windows-Security-Auditing', Channel: 'Security', Hostname: 'MORDORDC.mordor.local', EventID: 4688,
    RecordNumber: 379988, SubjectUserName: 'MORDORDC$', SubjectDomainName: 'MORDOR', SubjectLogonId: '0x3e7', SubjectUserSid: 'S-1-5-18',
    TargetUserSid: 'S-1-0-0', TargetUserName: 'MORDORDC$', TargetDomainName: 'MORDOR', TargetLogonId: '0x3e4', NewProcessId: '0x7d8',
    NewProcessName: 'C:\\Windows\\System32\\sppsvc.exe', ProcessId: '0x2b8', ParentProcessName: 'C:\\Windows\\System32\\services.exe',
    CommandLine: 'C:\\windows\\system32\\sppsvc.exe', MandatoryLabel: 'S-1-16-16384', TokenElevationType: '%%1936',
  };
}

describe('normalizeEvent', () => {
  it('maps Security 4688 to process_creation with the Sysmon names, keeping the Security ones', () => {
    const raw = nxlog4688();
    const before = JSON.stringify(raw);
    const ev = normalizeEvent(raw);
    expect(ev.logsource).toEqual({ product: 'windows', service: 'security', category: 'process_creation' });
    expect(ev.fields).toMatchObject({
      Image: 'C:\\Windows\\System32\\sppsvc.exe', ParentImage: 'C:\\Windows\\System32\\services.exe', ProcessId: 2008,
      ParentProcessId: 696, User: 'NT AUTHORITY\\NETWORK SERVICE', LogonId: '0x3e4', IntegrityLevel: 'System',
      NewProcessName: 'C:\\Windows\\System32\\sppsvc.exe', Provider_Name: 'Microsoft-Windows-Security-Auditing',
      Computer: 'MORDORDC.mordor.local', EventRecordID: 379988,
    });
    expect(JSON.stringify(raw)).toBe(before);
  });

  it("takes 4688's user from the creator when Windows left the target subject empty", () => {
    const raw = { ...nxlog4688(), TargetUserSid: 'S-1-0-0', TargetUserName: '-', TargetDomainName: '-', TargetLogonId: '0x0' };
    expect(normalizeEvent(raw).fields).toMatchObject({ User: 'NT AUTHORITY\\SYSTEM', LogonId: '0x3e7' });
    const user = { ...raw, SubjectLogonId: '0x5a1f2', SubjectUserSid: 'S-1-5-21-1-2-3-1104', SubjectDomainName: 'SHIRE', SubjectUserName: 'pgustavo' };
    expect(normalizeEvent(user).fields).toMatchObject({ User: 'SHIRE\\pgustavo', LogonId: '0x5a1f2' });
  });

  it('normalizeEventInPlace turns a flat record into the fields object itself', () => {
    const raw = nxlog4688();
    const ev = normalizeEventInPlace(raw);
    expect(ev.fields).toBe(raw);
    expect(raw['Image']).toBe('C:\\Windows\\System32\\sppsvc.exe');
    expect(ev.logsource.category).toBe('process_creation');
  });

  it('reads string EventIDs and keeps other values as given', () => {
    const ev = normalizeEvent({ Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: '3', DestinationPort: '443', Initiated: 'true' });
    expect(ev.fields['EventID']).toBe(3);
    expect(ev.fields['DestinationPort']).toBe('443');
    expect(ev.logsource.category).toBe('network_connection');
  });

  it('classifies by provider when the channel is missing', () => {
    const ev = normalizeEvent({ SourceName: 'Microsoft-Windows-Sysmon', EventID: 22, QueryName: 'example.org' });
    expect(ev.logsource).toEqual({ product: 'windows', service: 'sysmon', category: 'dns_query' });
  });

  it('uses an explicit logsource on already-flat Sigma events and leaves it out of the fields', () => {
    const ev = normalizeEvent({ logsource: { product: 'Linux', category: 'process_creation' }, Image: '/usr/bin/curl' });
    expect(ev.logsource).toEqual({ product: 'linux', category: 'process_creation' });
    expect(ev.fields).toEqual({ Image: '/usr/bin/curl' });
    expect(normalizeEvent({ logsource: { product: 'linux', category: 'process_creation' } }).logsource).toBe(ev.logsource);
  });

  it('gives records with no Windows shape an empty logsource', () => {
    expect(normalizeEvent({ message: 'hello', host: 'x' }).logsource).toEqual({});
    expect(normalizeEvent({}).logsource).toEqual({});
  });

  it('flattens evtx_dump System attributes and joins unnamed Data strings', () => {
    const ev = normalizeEvent({
      Event: {
        System: {
          Provider: { '#attributes': { Name: 'PowerShell' } }, EventID: { '#text': 400, '#attributes': { Qualifiers: 0 } },
          Channel: 'Windows PowerShell', Computer: 'pc1', TimeCreated: { '#attributes': { SystemTime: '2024-01-01T00:00:00Z' } },
          Correlation: null,
        },
        EventData: { Data: { '#text': ['Available', 'None', '\tHostApplication=powershell.exe -v 2'] } },
      },
    });
    expect(ev.logsource).toEqual({ product: 'windows', service: 'powershell-classic', category: 'ps_classic_start' });
    expect(ev.fields['EventID']).toBe(400);
    expect(ev.fields['EventID_Qualifiers']).toBe(0);
    expect(ev.fields['Provider_Name']).toBe('PowerShell');
    expect(ev.fields['TimeCreated_SystemTime']).toBe('2024-01-01T00:00:00Z');
    expect(ev.fields['Data']).toBe('Available\nNone\n\tHostApplication=powershell.exe -v 2');
    expect('Correlation' in ev.fields).toBe(false);
  });

  it('reads the xmltodict layout of python-evtx exports (@-attributes, named Data items)', () => {
    const ev = normalizeEvent({
      Event: {
        '@xmlns': 'http://schemas.microsoft.com/win/2004/08/events/event',
        System: {
          Provider: { '@Name': 'Microsoft-Windows-Security-Auditing', '@Guid': '{54849625-5478-4994-a5ba-3e3b0328c30d}' },
          EventID: { '@Qualifiers': '', '#text': '4688' }, Channel: 'Security', Computer: 'DC01.pandalab.com',
          TimeCreated: { '@SystemTime': '2023-07-19T12:20:12.034Z' },
        },
        EventData: {
          Data: [
            { '@Name': 'SubjectUserSid', '#text': 'S-1-5-18' }, { '@Name': 'SubjectUserName', '#text': 'DC01$' },
            { '@Name': 'SubjectDomainName', '#text': 'PANDALAB' }, { '@Name': 'SubjectLogonId', '#text': '0x3e7' },
            { '@Name': 'NewProcessId', '#text': '0x165c' }, { '@Name': 'NewProcessName', '#text': 'C:\\Windows\\System32\\svchost.exe' },
            { '@Name': 'ProcessId', '#text': '0x250' }, { '@Name': 'CommandLine', '#text': 'C:\\Windows\\system32\\svchost.exe -k netsvcs' },
            { '@Name': 'TargetLogonId', '#text': '0x0' }, { '@Name': 'ParentProcessName', '#text': 'C:\\Windows\\System32\\services.exe' },
            { '@Name': 'MandatoryLabel' },
          ],
        },
      },
    });
    expect(ev.logsource).toEqual({ product: 'windows', service: 'security', category: 'process_creation' });
    expect(ev.fields).toMatchObject({
      EventID: 4688, Provider_Name: 'Microsoft-Windows-Security-Auditing', TimeCreated_SystemTime: '2023-07-19T12:20:12.034Z',
      Image: 'C:\\Windows\\System32\\svchost.exe', ParentImage: 'C:\\Windows\\System32\\services.exe', ProcessId: 0x165c,
      ParentProcessId: 0x250, User: 'NT AUTHORITY\\SYSTEM', CommandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs', MandatoryLabel: '',
    });
    expect(ev.fields['Data']).toBeUndefined();
  });

  it('maps Security 4657 registry auditing to registry_set with Sysmon-style paths', () => {
    const ev = normalizeEvent({
      Channel: 'Security', EventID: 4657, OperationType: '%%1905', ObjectName: '\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
      ObjectValueName: 'evil', NewValue: 'C:\\evil.exe', ProcessName: 'C:\\Windows\\regedit.exe', ProcessId: '0x10',
    });
    expect(ev.logsource.category).toBe('registry_set');
    expect(ev.fields).toMatchObject({
      TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\evil', Details: 'C:\\evil.exe', Image: 'C:\\Windows\\regedit.exe', ProcessId: 16,
    });
  });

  it("puts back Sysmon's registry EventType when NXLog overwrote it with its severity", () => {
    // covenant_persiststartup (Security-Datasets), trimmed.
    const ev = normalizeEvent({
      Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 12, EventType: 'INFO',
      Message: 'Registry object added or deleted:\r\nRuleName: \r\nEventType: CreateKey\r\nUtcTime: 2019-12-05 04:42:12.494\r\nTargetObject: HKLM\\System',
      TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\Tcpip\\Parameters',
    });
    expect(ev.fields['EventType']).toBe('CreateKey');
    expect(ev.logsource.category).toBe('registry_add');
    const security = normalizeEvent({ Channel: 'Security', EventID: 4688, EventType: 'AUDIT_SUCCESS', Message: 'EventType: X' });
    expect(security.fields['EventType']).toBe('AUDIT_SUCCESS');
  });

  it('keeps a `__proto__` key from re-parenting the fields', () => {
    const raw = JSON.parse('{"Channel":"Security","EventID":4688,"__proto__":{"Image":"evil.exe"},"NewProcessName":"C:\\\\ok.exe"}') as Record<string, unknown>;
    const ev = normalizeEvent(raw);
    expect(Object.getPrototypeOf(ev.fields)).toBe(Object.prototype);
    expect(ev.fields['Image']).toBe('C:\\ok.exe');
    const evtx = normalizeEvent(JSON.parse('{"Event":{"System":{"Channel":"Security","EventID":1},"EventData":{"__proto__":{"Image":"evil.exe"}}}}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(evtx.fields)).toBe(Object.prototype);
    expect(evtx.fields['Image']).toBeUndefined();
  });

  it("keeps NXLog's provider and Defender's 'Source Name' apart in flat records", () => {
    // The Defender 1119 regression event's data, as NXLog would flatten it beside its own keys.
    const ev = normalizeEvent({
      SourceName: 'Microsoft-Windows-Windows Defender', Channel: 'Microsoft-Windows-Windows Defender/Operational', EventID: 1119,
      'Source Name': 'Real-Time Protection', 'Threat Name': 'Tool:Win32/EICAR_Test_File', 'Process Name': 'C:\\Users\\xodih\\Downloads\\RedSun.exe',
    });
    expect(ev.logsource).toEqual({ product: 'windows', service: 'windefend' });
    expect(ev.fields).toMatchObject({
      Provider_Name: 'Microsoft-Windows-Windows Defender', SourceName: 'Real-Time Protection', ThreatName: 'Tool:Win32/EICAR_Test_File',
      ProcessName: 'C:\\Users\\xodih\\Downloads\\RedSun.exe',
    });
  });

  it('never throws on odd shapes', () => {
    for (const raw of [{ Event: { System: 'x' } }, { Event: { EventData: null, System: {} } }, { winlog: { event_data: 5 } }, { event_data: [1, 2] }, { EventData: '<nope' }, { EventData: '{bad json' }]) {
      expect(() => normalizeEvent(raw as Record<string, unknown>)).not.toThrow();
    }
  });
});
