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
  // Canonical dotted quads (nearly every indicator) skip ipaddr.js, which costs several
  // microseconds per address: a million indicators are parsed at load.
  const quad = parseDottedQuad(addr);
  if (quad >= 0) {
    if (slash < 0) return { words: [quad], prefix: 32 };
    const p = text.slice(slash + 1);
    return /^[0-9]{1,2}$/.test(p) && Number(p) <= 32 ? { words: [quad], prefix: Number(p) } : undefined;
  }
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    if (addr.includes(':')) {
      if (!ipaddr.IPv6.isValid(addr)) return undefined;
      parsed = ipaddr.IPv6.parse(addr);
    } else if (ipaddr.IPv4.isValidFourPartDecimal(addr)) parsed = ipaddr.IPv4.parse(addr);
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

/** `a.b.c.d` in canonical decimal (no leading zeros) as a uint32, or -1; allocation-free. */
export function parseDottedQuad(s: string): number {
  let acc = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46 && digits > 0 && dots < 3) {
      acc = acc * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return acc * 256 + part;
}

/**
 * Plain IPv6 text (hex groups, one `::`, optional dotted-quad tail) into four 32-bit words,
 * without allocating: event addresses are parsed on the hot path. Returns false for anything
 * else (zone ids, malformed text); callers then fall back to ipaddr.js.
 */
export function parseIpv6Words(s: string, out: Uint32Array): boolean {
  const groups = parseIpv6Words.groups;
  let n = 0;
  let gap = -1;
  let i = 0;
  const len = s.length;
  if (len < 2) return false;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
    if (i === len) return fill(groups, 0, 0, out);
  }
  while (i < len) {
    let v = 0;
    let digits = 0;
    const start = i;
    while (i < len && digits < 5) {
      const c = s.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) break;
      v = v * 16 + d;
      digits++;
      i++;
    }
    if (i < len && s.charCodeAt(i) === 46) {
      const quad = parseDottedQuad(s.slice(start));
      if (quad < 0 || n > 6) return false;
      groups[n++] = quad >>> 16;
      groups[n++] = quad & 0xffff;
      i = len;
      break;
    }
    if (digits === 0 || digits > 4 || n === 8) return false;
    groups[n++] = v;
    if (i === len) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < len && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    } else if (i === len) return false;
  }
  if (gap < 0 ? n !== 8 : n > 7) return false;
  return fill(groups, n, gap, out);
}
parseIpv6Words.groups = new Uint16Array(8);

function fill(groups: Uint16Array, n: number, gap: number, out: Uint32Array): boolean {
  const all = [0, 0, 0, 0, 0, 0, 0, 0];
  if (gap < 0) for (let k = 0; k < 8; k++) all[k] = groups[k]!;
  else {
    for (let k = 0; k < gap; k++) all[k] = groups[k]!;
    const tail = n - gap;
    for (let k = 0; k < tail; k++) all[8 - tail + k] = groups[gap + k]!;
  }
  for (let w = 0; w < 4; w++) out[w] = ((all[w * 2]! << 16) | all[w * 2 + 1]!) >>> 0;
  return true;
}
