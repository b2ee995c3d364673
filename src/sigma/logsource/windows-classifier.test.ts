import { describe, expect, it } from 'vitest';
import { classifyWindowsEvent } from './windows-classifier.js';

const sysmon = 'Microsoft-Windows-Sysmon/Operational';

describe('classifyWindowsEvent', () => {
  it.each([
    [sysmon, 1, 'sysmon', 'process_creation'],
    [sysmon, 2, 'sysmon', 'file_change'],
    [sysmon, 3, 'sysmon', 'network_connection'],
    [sysmon, 4, 'sysmon', 'sysmon_status'],
    [sysmon, 5, 'sysmon', 'process_termination'],
    [sysmon, 6, 'sysmon', 'driver_load'],
    [sysmon, 7, 'sysmon', 'image_load'],
    [sysmon, 8, 'sysmon', 'create_remote_thread'],
    [sysmon, 9, 'sysmon', 'raw_access_thread'],
    [sysmon, 10, 'sysmon', 'process_access'],
    [sysmon, 11, 'sysmon', 'file_event'],
    [sysmon, 13, 'sysmon', 'registry_set'],
    [sysmon, 14, 'sysmon', 'registry_rename'],
    [sysmon, 15, 'sysmon', 'create_stream_hash'],
    [sysmon, 16, 'sysmon', 'sysmon_status'],
    [sysmon, 17, 'sysmon', 'pipe_created'],
    [sysmon, 18, 'sysmon', 'pipe_created'],
    [sysmon, 19, 'sysmon', 'wmi_event'],
    [sysmon, 20, 'sysmon', 'wmi_event'],
    [sysmon, 21, 'sysmon', 'wmi_event'],
    [sysmon, 22, 'sysmon', 'dns_query'],
    [sysmon, 23, 'sysmon', 'file_delete'],
    [sysmon, 24, 'sysmon', 'clipboard_capture'],
    [sysmon, 25, 'sysmon', 'process_tampering'],
    [sysmon, 26, 'sysmon', 'file_delete_detected'],
    [sysmon, 27, 'sysmon', 'file_block_executable'],
    [sysmon, 28, 'sysmon', 'file_block_shredding'],
    [sysmon, 29, 'sysmon', 'file_executable_detected'],
    [sysmon, 255, 'sysmon', 'sysmon_error'],
    ['Security', 4688, 'security', 'process_creation'],
    ['Security', 5156, 'security', 'network_connection'],
    ['Security', 4657, 'security', 'registry_set'],
    ['Security', 4624, 'security', undefined],
    ['Microsoft-Windows-PowerShell/Operational', 4103, 'powershell', 'ps_module'],
    ['Microsoft-Windows-PowerShell/Operational', 4104, 'powershell', 'ps_script'],
    ['PowerShellCore/Operational', 4104, 'powershell', 'ps_script'],
    ['Windows PowerShell', 400, 'powershell-classic', 'ps_classic_start'],
    ['Windows PowerShell', 600, 'powershell-classic', 'ps_classic_provider_start'],
    ['Windows PowerShell', 800, 'powershell-classic', 'ps_classic_script'],
    ['System', 7045, 'system', undefined],
    ['Application', 1000, 'application', undefined],
    ['Microsoft-Windows-Windows Defender/Operational', 1116, 'windefend', undefined],
    ['Microsoft-Windows-TaskScheduler/Operational', 106, 'taskscheduler', undefined],
    ['Microsoft-Windows-WMI-Activity/Operational', 5861, 'wmi', undefined],
    ['Microsoft-Windows-Bits-Client/Operational', 59, 'bits-client', undefined],
    ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall', 2004, 'firewall-as', undefined],
    ['Microsoft-Windows-CodeIntegrity/Operational', 3033, 'codeintegrity-operational', undefined],
  ])('%s %i → service %s, category %s', (channel, id, service, category) => {
    const { logsource } = classifyWindowsEvent(channel, id, {});
    expect(logsource).toEqual({ product: 'windows', service, ...(category ? { category } : {}) });
  });

  it('compares channels case-insensitively (Security-Datasets has "security")', () => {
    expect(classifyWindowsEvent('security', 4688, {}).logsource).toEqual({ product: 'windows', service: 'security', category: 'process_creation' });
    expect(classifyWindowsEvent('MICROSOFT-WINDOWS-SYSMON/OPERATIONAL', 1, {}).logsource.category).toBe('process_creation');
  });

  it.each([
    ['CreateKey', 'registry_add'],
    ['DeleteKey', 'registry_delete'],
    ['DeleteValue', 'registry_delete'],
    ['createkey', 'registry_add'],
  ])('splits Sysmon 12 by EventType %s → %s', (eventType, category) => {
    expect(classifyWindowsEvent(sysmon, 12, { EventType: eventType }).logsource.category).toBe(category);
  });

  it('leaves a Sysmon 12 without EventType as the generic registry_event', () => {
    expect(classifyWindowsEvent(sysmon, 12, {}).logsource.category).toBe('registry_event');
    expect(classifyWindowsEvent(sysmon, 12, { EventType: 'Unheard' }).logsource.category).toBe('registry_event');
  });

  it('splits Security 4657 by OperationType, in code or text form', () => {
    expect(classifyWindowsEvent('Security', 4657, { OperationType: '%%1904' }).logsource.category).toBe('registry_add');
    expect(classifyWindowsEvent('Security', 4657, { OperationType: 'Existing registry value modified' }).logsource.category).toBe('registry_set');
  });

  it('answers each channel in an interleaved stream, unknown and case variants included', () => {
    // The last channel is remembered: a change of channel, to an unknown one too, must not leak.
    const stream: [string | undefined, number, string | undefined][] = [
      [sysmon, 10, 'process_access'],
      [sysmon, 10, 'process_access'],
      ['Some-Vendor/Operational', 10, undefined],
      [sysmon, 7, 'image_load'],
      ['security', 4688, 'process_creation'],
      [undefined, 4688, undefined],
      ['Security', 4688, 'process_creation'],
      ['MICROSOFT-WINDOWS-SYSMON/OPERATIONAL', 1, 'process_creation'],
      ['Some-Vendor/Operational', 1, undefined],
      [sysmon, 1, 'process_creation'],
    ];
    for (const [channel, id, category] of stream) expect(classifyWindowsEvent(channel, id, {}).logsource.category, `${channel} ${id}`).toBe(category);
    expect(classifyWindowsEvent('Some-Vendor/Operational', 1, {}).logsource).toEqual({ product: 'windows' });
  });

  it('gives unknown channels and missing channels product windows only', () => {
    expect(classifyWindowsEvent('Some-Vendor/Operational', 1, {}).logsource).toEqual({ product: 'windows' });
    expect(classifyWindowsEvent(undefined, 1, {}).logsource).toEqual({ product: 'windows' });
  });

  it('returns the channel service for EventIDs without a category, and for a missing EventID', () => {
    expect(classifyWindowsEvent(sysmon, 999, {}).logsource).toEqual({ product: 'windows', service: 'sysmon' });
    expect(classifyWindowsEvent(sysmon, undefined, {}).logsource).toEqual({ product: 'windows', service: 'sysmon' });
  });

  it('hands out frozen shared logsources', () => {
    const a = classifyWindowsEvent(sysmon, 1, {});
    expect(a.logsource).toBe(classifyWindowsEvent(sysmon, 1, {}).logsource);
    expect(Object.isFrozen(a.logsource)).toBe(true);
  });
});
