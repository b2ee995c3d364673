import ipaddr from 'ipaddr.js';

/** An address or network: 32-bit words of the address (1 for IPv4, 4 for IPv6) and a prefix. */
export interface Cidr {
  words: number[];
  prefix: number;
}

/** Parses `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or IPv6 CIDR; a bare address is a /32 or /128. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    if (ipaddr.IPv4.isValidFourPartDecimal(addr)) parsed = ipaddr.IPv4.parse(addr);
    else if (ipaddr.IPv6.isValid(addr)) parsed = ipaddr.IPv6.parse(addr);
    else return undefined;
  } catch {
    return undefined;
  }
  const bytes = parsed.toByteArray();
  const max = bytes.length * 8;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > max) return undefined;
    prefix = Number(p);
  }
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) words.push(((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0);
  return { words, prefix };
}

/** The mask of the `w`-th 32-bit word for a prefix length. */
export function wordMask(prefix: number, w: number): number {
  const bits = Math.min(32, Math.max(0, prefix - w * 32));
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** Does `outer` contain `inner` (same family, shorter or equal prefix, same masked bits)? */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.words.length !== inner.words.length || outer.prefix > inner.prefix) return false;
  for (let w = 0; w < outer.words.length; w++) {
    const m = wordMask(outer.prefix, w);
    if (((outer.words[w]! & m) >>> 0) !== ((inner.words[w]! & m) >>> 0)) return false;
  }
  return true;
}
