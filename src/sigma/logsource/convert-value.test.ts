import { describe, expect, it } from 'vitest';
import { convertValue } from './convert-value.js';
import { foldFieldName } from './field-name-folder.js';

describe('convertValue', () => {
  it('reads hex and decimal ids as numbers, and leaves other text alone', () => {
    expect(convertValue('hexToDecimal', '0x7d8')).toBe(2008);
    expect(convertValue('hexToDecimal', '0X1A')).toBe(26);
    expect(convertValue('hexToDecimal', '4420')).toBe(4420);
    expect(convertValue('hexToDecimal', 12)).toBe(12);
    expect(convertValue('hexToDecimal', 'n/a')).toBe('n/a');
    expect(convertValue('hexToDecimal', undefined)).toBeUndefined();
  });

  it('names mandatory-label SIDs as Sysmon integrity levels', () => {
    expect(convertValue('integrityLevel', 'S-1-16-12288')).toBe('High');
    expect(convertValue('integrityLevel', 'S-1-16-16384')).toBe('System');
    expect(convertValue('integrityLevel', 's-1-16-8192')).toBe('Medium');
    expect(convertValue('integrityLevel', 'S-1-5-18')).toBe('S-1-5-18');
  });

  it('rewrites kernel registry roots to Sysmon hive names', () => {
    expect(convertValue('registryPath', '\\REGISTRY\\MACHINE\\SOFTWARE\\x')).toBe('HKLM\\SOFTWARE\\x');
    expect(convertValue('registryPath', '\\REGISTRY\\USER\\S-1-5-21\\x')).toBe('HKU\\S-1-5-21\\x');
    expect(convertValue('registryPath', '\\REGISTRY\\MACHINEX\\y')).toBe('\\REGISTRY\\MACHINEX\\y');
    expect(convertValue('registryPath', 'HKLM\\x')).toBe('HKLM\\x');
  });

  it('maps protocol numbers and directions', () => {
    expect(convertValue('ipProtocol', '6')).toBe('tcp');
    expect(convertValue('ipProtocol', 17)).toBe('udp');
    expect(convertValue('wfpDirection', '%%14593')).toBe('true');
    expect(convertValue('wfpDirection', '%%14592')).toBe('false');
    expect(convertValue('wfpDirection', 'sideways')).toBeUndefined();
    expect(convertValue('ecsDirection', 'egress')).toBe('true');
    expect(convertValue('ecsDirection', 'inbound')).toBe('false');
  });

  it('names accounts as Sysmon does: service sessions and SIDs first, then domain\\name', () => {
    expect(convertValue('account', ['0x3e7', 'S-1-0-0', 'CORP', 'PC1$'])).toBe('NT AUTHORITY\\SYSTEM');
    expect(convertValue('account', ['0x3E4', 'S-1-0-0', 'CORP', 'PC1$'])).toBe('NT AUTHORITY\\NETWORK SERVICE');
    expect(convertValue('account', [undefined, 'S-1-5-19', 'x', 'y'])).toBe('NT AUTHORITY\\LOCAL SERVICE');
    expect(convertValue('account', ['0x5a1', 'S-1-5-21-1', 'SHIRE', 'pgustavo'])).toBe('SHIRE\\pgustavo');
    expect(convertValue('account', ['0x0', 'S-1-0-0', '-', '-'])).toBeUndefined();
    expect(convertValue('account', [undefined, undefined, undefined, 'alice'])).toBe('alice');
    expect(convertValue('logonId', '0x0')).toBeUndefined();
    expect(convertValue('logonId', '0x3e7')).toBe('0x3e7');
  });

  it('formats ECS hashes as Sysmon writes them', () => {
    expect(convertValue('hashes', { md5: 'ab', sha256: 'cd', other: 1 })).toBe('MD5=AB,SHA256=CD');
    expect(convertValue('hashes', {})).toBeUndefined();
    expect(convertValue('boolString', false)).toBe('false');
    expect(convertValue('first', ['a', 'b'])).toBe('a');
  });
});

describe('foldFieldName', () => {
  it('folds case variants to the Sigma spelling and keeps listed and unknown names', () => {
    expect(foldFieldName('ProcessID')).toBe('ProcessId');
    expect(foldFieldName('SourceProcessGUID')).toBe('SourceProcessGuid');
    expect(foldFieldName('channel')).toBe('Channel');
    expect(foldFieldName('Payload')).toBe('Payload');
    expect(foldFieldName('payload')).toBe('payload');
    expect(foldFieldName('SomethingNew')).toBe('SomethingNew');
  });

  it('drops spaces, as Defender names its data', () => {
    expect(foldFieldName('Threat Name')).toBe('ThreatName');
    expect(foldFieldName('Process Name')).toBe('ProcessName');
    expect(foldFieldName('Source Name')).toBe('SourceName');
  });
});
