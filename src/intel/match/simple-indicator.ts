import type { ComparisonExpression, ValidatedPattern } from '../pattern/index.js';
import { parseCidr, parseDottedQuad } from '../pattern/index.js';

/** Kinds of keys the index keeps in hash maps; numbers so per-slot bookkeeping is a byte. */
export const KeyKind = {
  Ip4: 0, Ip6: 1, Cidr4: 2, Cidr6: 3, Domain: 4, Url: 5, Email: 6, UserAgent: 7,
  Md5: 8, Sha1: 9, Sha256: 10, Sha512: 11,
} as const;
export type KeyKind = (typeof KeyKind)[keyof typeof KeyKind];
export const keyKindCount = 12;

/** One compiled lookup key: IPv4 as a uint32; CIDRs as prefix·2³² + network (v4) or `p/words` (v6). */
export interface SimpleKey {
  kind: KeyKind;
  key: string | number;
}

const hashKinds: Record<string, KeyKind> = {
  md5: KeyKind.Md5, 'sha-1': KeyKind.Sha1, sha1: KeyKind.Sha1, 'sha-256': KeyKind.Sha256, sha256: KeyKind.Sha256, 'sha-512': KeyKind.Sha512, sha512: KeyKind.Sha512,
};

/** Which value family an object path names, when it is one the index serves from hash maps. */
function familyOf(type: string, steps: ComparisonExpression & { kind: 'compare' }): 'ip' | KeyKind | undefined {
  const keys = steps.path.steps.map((s) => (s.kind === 'key' ? s.key : undefined));
  const p = keys.join('.');
  if ((type === 'ipv4-addr' || type === 'ipv6-addr') && p === 'value') return 'ip';
  if (type === 'domain-name' && p === 'value') return KeyKind.Domain;
  if (type === 'url' && p === 'value') return KeyKind.Url;
  if (type === 'email-addr' && p === 'value') return KeyKind.Email;
  if (type === 'file' && keys.length === 2 && keys[0] === 'hashes' && keys[1]) return hashKinds[keys[1].toLowerCase()];
  if (type === 'network-traffic' && p === 'extensions.http-request-ext.request_header.User-Agent') return KeyKind.UserAgent;
  return undefined;
}

/** Case folding where values compare case-insensitively (hashes, domains, e-mail addresses). */
export function foldKey(kind: KeyKind, value: string): string {
  if (kind === KeyKind.Domain) return (value.endsWith('.') ? value.slice(0, -1) : value).toLowerCase();
  if (kind === KeyKind.Url || kind === KeyKind.UserAgent) return value;
  return value.toLowerCase();
}

/** The hot path's IPv4 parser (canonical dotted quads, no allocation). */
export const parseIpv4 = parseDottedQuad;

export function ipKey(text: string): SimpleKey | undefined {
  const c = parseCidr(text);
  if (!c) return undefined;
  if (c.words.length === 1) {
    const net = (c.words[0]! & (c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0)) >>> 0;
    return c.prefix === 32 ? { kind: KeyKind.Ip4, key: net } : { kind: KeyKind.Cidr4, key: c.prefix * 2 ** 32 + net };
  }
  const masked = c.words.map((w, i) => (w & maskOf(c.prefix, i)) >>> 0).join('.');
  return c.prefix === 128 ? { kind: KeyKind.Ip6, key: masked } : { kind: KeyKind.Cidr6, key: `${c.prefix}/${masked}` };
}

function maskOf(prefix: number, w: number): number {
  const bits = Math.min(32, Math.max(0, prefix - w * 32));
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/**
 * The hash-map keys of a "simple" indicator: one observation, no qualifier, an OR of `=`, `IN`
 * (or, for addresses, ISSUBSET) over the paths above. Anything else returns undefined and goes
 * through the STIX matcher instead.
 */
export function simpleKeys(pattern: ValidatedPattern): SimpleKey[] | undefined {
  let root = pattern.root;
  while (root.kind === 'group') root = root.inner;
  if (root.kind !== 'observation') return undefined;
  const keys: SimpleKey[] = [];
  const visit = (c: ComparisonExpression): boolean => {
    if (c.kind === 'or') return visit(c.left) && visit(c.right);
    if (c.kind !== 'compare' || c.negated) return false;
    const family = familyOf(c.path.objectType, c);
    if (family === undefined) return false;
    const values = Array.isArray(c.value) ? c.value : [c.value];
    const okOp = c.operator === '=' || c.operator === 'IN' || (family === 'ip' && c.operator === 'ISSUBSET');
    if (!okOp || values.length === 0) return false;
    for (const v of values) {
      if (v.kind !== 'string') return false;
      if (family === 'ip') {
        const k = ipKey(v.value);
        const v6 = k !== undefined && (k.kind === KeyKind.Ip6 || k.kind === KeyKind.Cidr6);
        if (!k || v6 !== (c.path.objectType === 'ipv6-addr')) return false;
        keys.push(k);
      } else keys.push({ kind: family, key: foldKey(family, v.value) });
    }
    return true;
  };
  return visit(root.comparison) ? keys : undefined;
}

// `[type:path = 'value']`, the shape of nearly every feed indicator, with a value that needs no
// unescaping. Recognised without the full parser so a million indicators load in seconds; any
// other spelling, and any value this check doubts, goes through validatePattern.
const oneComparison = /^\[\s*(ipv4-addr|ipv6-addr|domain-name|url|email-addr|file):(value|hashes\.(?:MD5|'SHA-1'|'SHA-256'|'SHA-512'))\s*=\s*'([^'\\]*)'\s*\]$/;
const fastHashes: Record<string, [KeyKind, number]> = {
  'hashes.MD5': [KeyKind.Md5, 32], "hashes.'SHA-1'": [KeyKind.Sha1, 40], "hashes.'SHA-256'": [KeyKind.Sha256, 64], "hashes.'SHA-512'": [KeyKind.Sha512, 128],
};
const hexOnly = /^[0-9a-fA-F]*$/;

/**
 * The key of a one-comparison equality pattern, or undefined when the pattern must go through
 * the full parser and validator (which give the same key for every pattern accepted here: a
 * test checks it).
 */
export function fastSimpleKey(pattern: string): SimpleKey | undefined {
  const m = oneComparison.exec(pattern);
  if (!m) return undefined;
  const [, type, path, value] = m as unknown as [string, string, string, string];
  if (type === 'file') {
    const h = fastHashes[path];
    return h && value.length === h[1] && hexOnly.test(value) ? { kind: h[0], key: value.toLowerCase() } : undefined;
  }
  if (path !== 'value') return undefined;
  if (type === 'ipv4-addr' || type === 'ipv6-addr') {
    const k = ipKey(value);
    const v6 = k !== undefined && (k.kind === KeyKind.Ip6 || k.kind === KeyKind.Cidr6);
    return k && v6 === (type === 'ipv6-addr') ? k : undefined;
  }
  const kind = type === 'domain-name' ? KeyKind.Domain : type === 'url' ? KeyKind.Url : KeyKind.Email;
  return { kind, key: foldKey(kind, value) };
}
