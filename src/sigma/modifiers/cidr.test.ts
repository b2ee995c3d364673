import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { cidrContains, ipAddress, parseCidr } from './cidr.js';

/** What `ipAddress` answered before its shortcuts: `ipaddr.js` alone. */
function reference(value: string): { bytes: number[]; v6: boolean } | undefined {
  let s = value.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone > 0) s = s.slice(0, zone);
  if (!ipaddr.isValid(s)) return undefined;
  let a = ipaddr.parse(s);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  return { bytes: a.toByteArray(), v6: a.kind() === 'ipv6' };
}

describe('ipAddress', () => {
  it('gives the answers of ipaddr.js, octal, hex and short IPv4 forms included', () => {
    const parts = ['0', '00', '01', '1', '9', '10', '010', '08', '099', '255', '256', '1000', '0x1f', '0x100', 'a', '', ' ', '-1', '1e2'];
    const cases = new Set(['-', '', '::', '::1', '[::1]', 'fe80::1%12', '::ffff:10.0.0.1', '4624', ' 10.0.0.1 ', '10.0.0.1%1', '[10.0.0.1]', '1.2.3.4.5', '1.2.3.', '.1.2.3', 'localhost', '1.2.3.4/8', '１.２.３.４']);
    for (const a of parts) {
      for (const b of parts) {
        cases.add(`${a}.${b}`);
        for (const sep of [':', '::']) cases.add(a + sep + b);
        for (const c of parts) {
          cases.add(`${a}.${b}.${c}.1`);
          cases.add(`1.${a}.${b}.${c}`);
          cases.add(`${a}.${b}.${c}`);
        }
      }
    }
    let valid = 0;
    for (const v of cases) {
      const want = reference(v);
      expect(ipAddress(v), JSON.stringify(v)).toEqual(want);
      if (want) valid++;
    }
    expect(valid).toBeGreaterThan(1000);
  });

  it('matches ranges through cidrContains', () => {
    expect(cidrContains(parseCidr('10.0.0.0/8'), '10.200.3.4')).toBe(true);
    expect(cidrContains(parseCidr('10.0.0.0/8'), '010.200.3.4')).toBe(false); // octal 010 = 8
    expect(cidrContains(parseCidr('127.0.0.0/8'), '::ffff:127.0.0.1')).toBe(true);
    expect(cidrContains(parseCidr('::1/128'), '-')).toBe(false);
  });
});
