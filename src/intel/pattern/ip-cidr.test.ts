import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseDottedQuad, parseIpv6Words } from './ip-cidr.js';

describe('IP parsing', () => {
  it('parses canonical dotted quads and refuses the rest', () => {
    expect(parseDottedQuad('203.0.113.255')).toBe(0xcb0071ff);
    for (const bad of ['1.2.3', '1.2.3.4.5', '01.2.3.4', '256.1.1.1', '1..2.3', '', '1.2.3.4 ']) expect(parseDottedQuad(bad)).toBe(-1);
  });

  it('parses IPv6 text into the same words as ipaddr.js', () => {
    const out = new Uint32Array(4);
    for (const text of ['::', '::1', '1::', '2001:db8::1', 'fe80::1:2:3:4', '2001:DB8:0:0:8:800:200C:417A', '::ffff:192.0.2.128', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:1.2.3.4']) {
      expect(parseIpv6Words(text, out), text).toBe(true);
      const p = ipaddr.IPv6.parse(text).parts;
      expect([...out], text).toEqual([0, 1, 2, 3].map((w) => ((p[w * 2]! << 16) | p[w * 2 + 1]!) >>> 0));
    }
    for (const bad of [':', ':1', '1:', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', 'g::1']) expect(parseIpv6Words(bad, out), bad).toBe(false);
  });

  it('tests containment across prefix lengths and families', () => {
    const c = (s: string) => parseCidr(s)!;
    expect(cidrContains(c('10.0.0.0/8'), c('10.200.1.0/24'))).toBe(true);
    expect(cidrContains(c('10.200.1.0/24'), c('10.0.0.0/8'))).toBe(false);
    expect(cidrContains(c('0.0.0.0/0'), c('192.0.2.1'))).toBe(true);
    expect(cidrContains(c('2001:db8::/32'), c('2001:db8:ffff::1'))).toBe(true);
    expect(cidrContains(c('2001:db8::/32'), c('10.0.0.1'))).toBe(false);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
  });
});
