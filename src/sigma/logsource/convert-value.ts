import type { ValueConversion } from './pipelines/pipeline-types.js';

const integrityLevels: Readonly<Record<string, string>> = {
  'S-1-16-0': 'Untrusted',
  'S-1-16-4096': 'Low',
  'S-1-16-8192': 'Medium',
  'S-1-16-8448': 'MediumPlus',
  'S-1-16-12288': 'High',
  'S-1-16-16384': 'System',
  'S-1-16-20480': 'Protected',
};

// Sysmon prints hive roots by their short names; the kernel (Security 4657) by object path.
const registryRoots: readonly (readonly [string, string])[] = [
  ['\\REGISTRY\\MACHINE', 'HKLM'],
  ['\\REGISTRY\\USER', 'HKU'],
  ['\\REGISTRY\\A', 'HKA'],
];

const ipProtocols: Readonly<Record<string, string>> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'ipv6-icmp' };

// Sysmon names the built-in service accounts, whatever the exporter wrote for domain and name.
const wellKnownLogons: Readonly<Record<string, string>> = {
  '0x3e7': 'NT AUTHORITY\\SYSTEM',
  '0x3e4': 'NT AUTHORITY\\NETWORK SERVICE',
  '0x3e5': 'NT AUTHORITY\\LOCAL SERVICE',
};
const wellKnownSids: Readonly<Record<string, string>> = {
  'S-1-5-18': 'NT AUTHORITY\\SYSTEM',
  'S-1-5-19': 'NT AUTHORITY\\LOCAL SERVICE',
  'S-1-5-20': 'NT AUTHORITY\\NETWORK SERVICE',
};

function account(values: unknown): string | undefined {
  if (!Array.isArray(values)) return undefined;
  const [logonId, sid, domain, name] = values.map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined));
  const bySession = logonId === undefined ? undefined : wellKnownLogons[logonId.toLowerCase()];
  if (bySession) return bySession;
  const bySid = sid === undefined ? undefined : wellKnownSids[sid.toUpperCase()];
  if (bySid) return bySid;
  if (name === undefined || name === '' || name === '-') return undefined;
  return domain === undefined || domain === '' || domain === '-' ? name : `${domain}\\${name}`;
}

const hashOrder = ['sha1', 'md5', 'sha256', 'imphash'];

function registryPath(path: string): string {
  const upper = path.toUpperCase();
  for (const [prefix, root] of registryRoots) {
    if (upper.startsWith(prefix) && (upper.length === prefix.length || upper[prefix.length] === '\\')) return root + path.slice(prefix.length);
  }
  return path;
}

function hashes(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return undefined;
  const h = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const name of hashOrder) if (typeof h[name] === 'string') parts.push(`${name.toUpperCase()}=${(h[name] as string).toUpperCase()}`);
  return parts.length > 0 ? parts.join(',') : undefined;
}

/**
 * Converts one source value as a pipeline says (see {@link ValueConversion}). Returns undefined
 * when the value cannot be converted, so the derived field is left out instead of holding junk.
 */
export function convertValue(kind: ValueConversion, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  switch (kind) {
    case 'copy':
      return value;
    case 'hexToDecimal': {
      if (typeof value === 'number') return value;
      const text = String(value).trim();
      const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text.slice(2), 16) : /^\d+$/.test(text) ? Number(text) : NaN;
      return Number.isSafeInteger(n) ? n : value;
    }
    case 'integrityLevel':
      return integrityLevels[String(value).toUpperCase()] ?? value;
    case 'registryPath':
      return typeof value === 'string' ? registryPath(value) : value;
    case 'ipProtocol':
      return ipProtocols[String(value)] ?? value;
    case 'wfpDirection': {
      const text = String(value);
      if (text === '%%14593' || /^outbound$/i.test(text)) return 'true';
      if (text === '%%14592' || /^inbound$/i.test(text)) return 'false';
      return undefined;
    }
    case 'ecsDirection': {
      const text = String(value).toLowerCase();
      if (text === 'egress' || text === 'outbound') return 'true';
      if (text === 'ingress' || text === 'inbound') return 'false';
      return undefined;
    }
    case 'hashes':
      return hashes(value);
    case 'boolString':
      return typeof value === 'boolean' ? String(value) : value;
    case 'first':
      return Array.isArray(value) ? value[0] : value;
    case 'account':
      return account(value);
    case 'logonId': {
      const text = String(value);
      return /^0x0+$/i.test(text) || text === '0' ? undefined : value;
    }
  }
}
