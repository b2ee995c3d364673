/**
 * The kinds of value an indicator can name that the value index (search by value, CSV export) and
 * the live hash-set matcher understand. Hashes are split by algorithm so a search for an MD5 never
 * answers a SHA-256 that happens to share a prefix.
 */
export type IndicatorValueType =
  | 'ipv4-addr'
  | 'ipv6-addr'
  | 'domain-name'
  | 'url'
  | 'email-addr'
  | 'md5'
  | 'sha1'
  | 'sha256'
  | 'sha512'
  | 'user-agent';

export const indicatorValueTypes: readonly IndicatorValueType[] = [
  'ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'email-addr', 'md5', 'sha1', 'sha256', 'sha512', 'user-agent',
];

/** One value an indicator's pattern looks for. */
export interface IndicatorValue {
  type: IndicatorValueType;
  /** Normalised: lower case for domains, e-mail addresses and hashes; CIDRs kept as written. */
  value: string;
}

const hashTypes: Readonly<Record<string, IndicatorValueType>> = {
  md5: 'md5', 'sha-1': 'sha1', sha1: 'sha1', 'sha-256': 'sha256', sha256: 'sha256', 'sha-512': 'sha512', sha512: 'sha512',
};

/** Object path (as written in a pattern, quotes removed) → value type. */
function valueTypeOf(objectPath: string): IndicatorValueType | undefined {
  switch (objectPath) {
    case 'ipv4-addr:value':
      return 'ipv4-addr';
    case 'ipv6-addr:value':
      return 'ipv6-addr';
    case 'domain-name:value':
      return 'domain-name';
    case 'url:value':
      return 'url';
    case 'email-addr:value':
      return 'email-addr';
    case "network-traffic:extensions.http-request-ext.request_header.User-Agent":
      return 'user-agent';
  }
  const hash = /^(?:file|artifact|x509-certificate):hashes\.(.+)$/.exec(objectPath);
  return hash ? hashTypes[hash[1]!.toLowerCase()] : undefined;
}

function normalise(type: IndicatorValueType, value: string): string {
  return type === 'url' || type === 'user-agent' || type === 'ipv6-addr' ? value : value.toLowerCase();
}

// One comparison: `object:path = 'v'` or `object:path IN ('a', 'b')`. Path steps may be quoted
// ('SHA-256'); string literals escape ' and \ with a backslash.
const literal = String.raw`'(?:[^'\\]|\\.)*'`;
const comparison = new RegExp(
  String.raw`^\s*([a-z0-9-]+:[A-Za-z0-9_.'-]+)\s*(?:=\s*(${literal})|IN\s*\(\s*(${literal}(?:\s*,\s*${literal})*)\s*\))\s*$`,
);

function unquote(text: string): string {
  return text.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** Splits `a OR b OR c` at top level, outside string literals; null when an AND is present. */
function splitOr(body: string): string[] | null {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "'") {
      for (i++; i < body.length && body[i] !== "'"; i++) if (body[i] === '\\') i++;
      continue;
    }
    if (c === '(' || c === ')') continue;
    if (/^\sAND\s/.test(body.slice(i, i + 5))) return null;
    if (/^\sOR\s/.test(body.slice(i, i + 4))) {
      parts.push(body.slice(start, i));
      start = i + 4;
      i += 3;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/**
 * The values a *simple* STIX pattern looks for: one observation expression made of equality or IN
 * comparisons joined by OR, over the object paths above (`[ipv4-addr:value = '198.51.100.0/24']`,
 * `[domain-name:value IN ('a.example', 'b.example')]`, `[file:hashes.'SHA-256' = '…' OR url:value = '…']`).
 * Anything else (AND, FOLLOWEDBY, qualifiers, LIKE, MATCHES, other paths) is a complex pattern and
 * gives no values: it is still stored and matched by the pattern matcher, just not indexed by value.
 *
 * @example extractIndicatorValues("[domain-name:value = 'Evil.Example']") // [{type:'domain-name', value:'evil.example'}]
 */
export function extractIndicatorValues(pattern: string): IndicatorValue[] {
  const m = /^\s*\[(.*)\]\s*$/s.exec(pattern);
  if (!m) return [];
  const parts = splitOr(m[1]!);
  if (!parts) return [];
  const out: IndicatorValue[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    const c = comparison.exec(part);
    if (!c) return [];
    const type = valueTypeOf(c[1]!.replace(/'/g, ''));
    if (!type) return [];
    const literals = c[2] !== undefined ? [c[2]] : (c[3]!.match(new RegExp(literal, 'g')) ?? []);
    for (const text of literals) {
      const value = normalise(type, unquote(text));
      const key = `${type}\u0000${value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ type, value });
    }
  }
  return out;
}

/** Inverse of {@link valueTypeOf}: the object path a value type is written with in a pattern. */
export function patternPathOf(type: IndicatorValueType): string {
  switch (type) {
    case 'md5':
      return "file:hashes.MD5";
    case 'sha1':
      return "file:hashes.'SHA-1'";
    case 'sha256':
      return "file:hashes.'SHA-256'";
    case 'sha512':
      return "file:hashes.'SHA-512'";
    case 'user-agent':
      return "network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'";
    default:
      return `${type}:value`;
  }
}

/** A STIX pattern for one value, with the literal escaped (`\` and `'`). */
export function patternFor(value: IndicatorValue): string {
  return `[${patternPathOf(value.type)} = '${value.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}
