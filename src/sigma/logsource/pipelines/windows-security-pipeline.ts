import type { ChannelPipeline } from './pipeline-types.js';

/**
 * Windows Security auditing events that stand for generic Sigma categories, with the fields the
 * Sysmon-named rules of those categories read. Based on pySigma's `windows_audit_pipeline`
 * (4688 → process_creation, 4657 → registry_set/registry_add; Image ← NewProcessName,
 * ParentImage ← ParentProcessName, Details ← NewValue, LogonId ← SubjectLogonId), extended with
 * the process ids, the user as Sysmon names it, the integrity level and the WFP 5156 network
 * connection.
 *
 * Derived fields are ADDED: the event keeps its own names, so `service: security` rules written
 * against `NewProcessName` etc. still match. The one clash is 4688 `ProcessId`, which is the
 * creator's id there; it is overwritten with the new process id (no SigmaHQ security rule reads
 * 4688 `ProcessId`) after being copied to `ParentProcessId`.
 */
export const windowsSecurityPipeline: ChannelPipeline = {
  name: 'windows-security',
  channels: ['Security'],
  events: {
    4688: {
      category: 'process_creation',
      derive: [
        { to: 'Image', from: 'NewProcessName' },
        { to: 'ParentImage', from: 'ParentProcessName' },
        { to: 'ParentProcessId', from: 'ProcessId', convert: 'hexToDecimal' },
        { to: 'ProcessId', from: 'NewProcessId', convert: 'hexToDecimal', overwrite: true },
        // Sysmon's User/LogonId are the new process's: 4688's "Target Subject" when Windows filled
        // it in, else the creator's.
        { to: 'User', from: ['TargetLogonId', 'TargetUserSid', 'TargetDomainName', 'TargetUserName'], convert: 'account' },
        { to: 'User', from: ['SubjectLogonId', 'SubjectUserSid', 'SubjectDomainName', 'SubjectUserName'], convert: 'account' },
        { to: 'LogonId', from: 'TargetLogonId', convert: 'logonId' },
        { to: 'LogonId', from: 'SubjectLogonId' },
        { to: 'IntegrityLevel', from: 'MandatoryLabel', convert: 'integrityLevel' },
      ],
    },
    4657: {
      category: 'registry_set',
      categoryBy: {
        field: 'OperationType',
        // %%1904 "New registry value created", %%1905 "Existing registry value modified"; exporters print either form.
        values: {
          '%%1904': 'registry_add',
          'New registry value created': 'registry_add',
          '%%1905': 'registry_set',
          'Existing registry value modified': 'registry_set',
          '%%1906': 'registry_delete',
          'Registry value deleted': 'registry_delete',
        },
      },
      derive: [
        { to: 'TargetObject', from: ['ObjectName', 'ObjectValueName'], join: true, convert: 'registryPath' },
        { to: 'Details', from: 'NewValue' },
        { to: 'Image', from: 'ProcessName' },
        { to: 'ProcessId', from: 'ProcessId', convert: 'hexToDecimal', overwrite: true },
        { to: 'User', from: ['SubjectLogonId', 'SubjectUserSid', 'SubjectDomainName', 'SubjectUserName'], convert: 'account' },
      ],
    },
    5156: {
      category: 'network_connection',
      derive: [
        { to: 'Image', from: 'Application' },
        { to: 'SourceIp', from: 'SourceAddress' },
        { to: 'DestinationIp', from: 'DestAddress' },
        { to: 'DestinationPort', from: 'DestPort' },
        { to: 'Protocol', from: 'Protocol', convert: 'ipProtocol', overwrite: true },
        { to: 'Initiated', from: 'Direction', convert: 'wfpDirection' },
      ],
    },
  },
};
