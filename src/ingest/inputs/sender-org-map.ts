import ipaddr from 'ipaddr.js';
import { ShieldwallError } from '../../errors/error-catalog.js';

/** One routing rule of a listener: senders in `cidr` belong to `org`. */
export interface SenderRule {
  cidr: string;
  org: string;
}

type Compiled = { range: [ipaddr.IPv4, number]; kind: 'ipv4'; org: string } | { range: [ipaddr.IPv6, number]; kind: 'ipv6'; org: string };

/**
 * Which organisation a syslog sender belongs to, so one listener can serve several members:
 * the first rule whose CIDR contains the sender's IP wins, else the listener's default org.
 * Rules are parsed once at start; a lookup is a handful of prefix comparisons, and answers are
 * cached per IP (bounded), since a listener sees the same few relays again and again.
 * IPv4-mapped IPv6 senders (`::ffff:10.0.0.1`, from a dual-stack `[::]` socket) match IPv4 rules.
 *
 * @example
 * const orgs = new SenderOrgMap([{ cidr: '10.1.0.0/16', org: 'member-1' }], 'authority', 'ingest.syslog.udp.senders');
 * orgs.orgOf('10.1.2.3'); // 'member-1'
 * orgs.orgOf('192.0.2.1'); // 'authority'
 */
export class SenderOrgMap {
  private readonly rules: Compiled[];
  private readonly cache = new Map<string, string>();

  /** `key` names the config list in errors (`ingest.syslog.udp.senders`). A bad CIDR is CONFIG_INVALID. */
  constructor(
    rules: readonly SenderRule[],
    readonly defaultOrg: string,
    key = 'senders',
    private readonly maxCached = 4096,
  ) {
    this.rules = rules.map((r, i) => compile(r, `${key}[${i}]`));
  }

  /** True when there is nothing to look up: every sender gets the default org. */
  get isStatic(): boolean {
    return this.rules.length === 0;
  }

  /** The organisation of a sender IP (the default when no rule matches or the IP is unparsable). */
  orgOf(ip: string): string {
    if (this.rules.length === 0) return this.defaultOrg;
    const hit = this.cache.get(ip);
    if (hit !== undefined) return hit;
    const org = this.lookup(ip);
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(ip, org);
    return org;
  }

  private lookup(ip: string): string {
    if (!ipaddr.isValid(ip)) return this.defaultOrg;
    let addr = ipaddr.parse(ip);
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
    for (const rule of this.rules) {
      if (rule.kind === 'ipv4' && addr.kind() === 'ipv4' && (addr as ipaddr.IPv4).match(rule.range)) return rule.org;
      if (rule.kind === 'ipv6' && addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).match(rule.range)) return rule.org;
    }
    return this.defaultOrg;
  }
}

function compile(rule: SenderRule, key: string): Compiled {
  const text = rule.cidr.trim();
  let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    // A bare address is a /32 or /128: one relay.
    range = text.includes('/') ? ipaddr.parseCIDR(text) : ((a) => [a, a.kind() === 'ipv4' ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number])(ipaddr.parse(text));
  } catch {
    throw new ShieldwallError('CONFIG_INVALID', `config: ${key}.cidr ${JSON.stringify(rule.cidr)} is not an IP address or CIDR (e.g. 10.1.0.0/16, 2001:db8::/32)`, { key: `${key}.cidr` });
  }
  let [addr, bits] = range;
  // An IPv4-mapped IPv6 rule (::ffff:10.0.0.0/104) means the IPv4 range: senders are compared as IPv4.
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
    bits -= 96;
  }
  return addr.kind() === 'ipv4'
    ? { kind: 'ipv4', range: [addr as ipaddr.IPv4, bits], org: rule.org }
    : { kind: 'ipv6', range: [addr as ipaddr.IPv6, bits], org: rule.org };
}
