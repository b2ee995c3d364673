import { describe, expect, it } from 'vitest';
import { SenderOrgMap } from './sender-org-map.js';

describe('SenderOrgMap', () => {
  const rules = [
    { cidr: '10.1.0.0/16', org: 'member-1' },
    { cidr: '10.1.7.0/24', org: 'never' }, // shadowed: the first match wins
    { cidr: '10.2.0.0/16', org: 'member-2' },
    { cidr: '192.0.2.10', org: 'relay' },
    { cidr: '2001:db8:1::/48', org: 'member-1' },
  ];
  const map = new SenderOrgMap(rules, 'authority', 'ingest.syslog.udp.senders');

  it('gives the first matching rule, else the default', () => {
    expect(map.orgOf('10.1.7.9')).toBe('member-1');
    expect(map.orgOf('10.2.255.1')).toBe('member-2');
    expect(map.orgOf('192.0.2.10')).toBe('relay');
    expect(map.orgOf('192.0.2.11')).toBe('authority');
    expect(map.orgOf('2001:db8:1:ffff::1')).toBe('member-1');
    expect(map.orgOf('2001:db8:2::1')).toBe('authority');
    // Again, from the cache.
    expect(map.orgOf('10.1.7.9')).toBe('member-1');
  });

  it('matches IPv4-mapped IPv6 senders (dual-stack sockets) against IPv4 rules', () => {
    expect(map.orgOf('::ffff:10.2.0.1')).toBe('member-2');
    expect(new SenderOrgMap([{ cidr: '::ffff:10.9.0.0/112', org: 'x' }], 'd').orgOf('10.9.1.1')).toBe('x');
  });

  it('gives the default for an unparsable address and when there are no rules', () => {
    expect(map.orgOf('unknown')).toBe('authority');
    const none = new SenderOrgMap([], 'member-9');
    expect(none.isStatic).toBe(true);
    expect(none.orgOf('10.1.0.1')).toBe('member-9');
  });

  it('refuses a bad CIDR with CONFIG_INVALID naming the rule', () => {
    expect(() => new SenderOrgMap([{ cidr: '10.0.0.0/8', org: 'a' }, { cidr: '10.0.0/33', org: 'b' }], 'd', 'ingest.syslog.tcp.senders')).toThrowError(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('ingest.syslog.tcp.senders[1].cidr "10.0.0/33"') }),
    );
  });

  it('keeps its cache bounded', () => {
    const small = new SenderOrgMap([{ cidr: '10.0.0.0/8', org: 'a' }], 'd', 'k', 4);
    for (let i = 0; i < 100; i++) expect(small.orgOf(`10.0.0.${i}`)).toBe('a');
    expect((small as unknown as { cache: Map<string, string> }).cache.size).toBeLessThanOrEqual(4);
  });
});
