import ipaddr from 'ipaddr.js';

/** A parsed CIDR range, kept as bytes so matching is a prefix comparison. */
export interface CidrRange {
  bytes: number[];
  prefix: number;
  v6: boolean;
}

/**
 * Parses `a.b.c.d/n` or an IPv6 CIDR (a bare address means a host range).
 * @throws Error naming the value when it is not a valid range.
 */
export function parseCidr(text: string): CidrRange {
  const s = text.trim();
  try {
    const [addr, prefix] = s.includes('/') ? ipaddr.parseCIDR(s) : (() => {
      const a = ipaddr.parse(s);
      return [a, a.kind() === 'ipv4' ? 32 : 128] as const;
    })();
    return { bytes: addr.toByteArray(), prefix, v6: addr.kind() === 'ipv6' };
  } catch {
    throw new Error(`invalid CIDR range ${JSON.stringify(text)}`);
  }
}

function addressBytes(value: string): { bytes: number[]; v6: boolean } | undefined {
  let s = value.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone > 0) s = s.slice(0, zone);
  if (!ipaddr.isValid(s)) return undefined;
  let a = ipaddr.parse(s);
  // Windows logs IPv4 peers of dual-stack sockets as ::ffff:a.b.c.d; they belong to IPv4 ranges.
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  return { bytes: a.toByteArray(), v6: a.kind() === 'ipv6' };
}

/** True when `value` is an IP address inside `range`; non-addresses never match. */
export function cidrContains(range: CidrRange, value: string): boolean {
  const a = addressBytes(value);
  if (!a || a.v6 !== range.v6) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((a.bytes[i] ?? 0) & mask) !== ((range.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}
