import ipaddr from 'ipaddr.js';

/** A STIX Cyber-observable Object as the MISP mapping builds it. */
export type MispSco = { type: string; id: string; spec_version: '2.1' } & Record<string, unknown>;

/** Builds an SCO with its deterministic id (from its id-contributing properties). */
export type ScoMaker = (type: string, props: Record<string, unknown>) => MispSco;

/**
 * What one MISP attribute can become: a detection pattern (for `to_ids` attributes) and/or the
 * observables it describes (for the others). A form without one of them means "this type cannot
 * be that"; `invalid` means the value does not fit the type and nothing should be produced.
 */
export interface AttributeForm {
  pattern?: { pattern: string; patternType: 'stix' | 'yara' | 'snort' | 'sigma' };
  observables?: (make: ScoMaker) => MispSco[];
  invalid?: string;
}

/** A STIX pattern string literal (quotes and backslashes escaped per STIX 2.1 §9.2). */
export function stixString(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const stix = (...comparisons: string[]) => ({ pattern: `[${comparisons.join(' AND ')}]`, patternType: 'stix' as const });
const eq = (path: string, value: string | number) => `${path} = ${typeof value === 'number' ? String(value) : stixString(value)}`;

/** `ipv4-addr` or `ipv6-addr` for an address or CIDR, or `undefined` when it is neither. */
function ipType(value: string): 'ipv4-addr' | 'ipv6-addr' | undefined {
  try {
    const addr = value.includes('/') ? ipaddr.parseCIDR(value)[0] : ipaddr.parse(value);
    if (addr.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(value.split('/')[0] ?? '')) return undefined;
    return addr.kind() === 'ipv4' ? 'ipv4-addr' : 'ipv6-addr';
  } catch {
    return undefined;
  }
}

/** `a|b` composites: MISP joins the two parts with the first `|` (values never contain one before it). */
function split2(value: string): [string, string] | undefined {
  const at = value.indexOf('|');
  if (at <= 0 || at === value.length - 1) return undefined;
  return [value.slice(0, at).trim(), value.slice(at + 1).trim()];
}

// STIX hash keys; the pattern for hashes hex digits, so a malformed hash is refused here rather
// than producing an SCO the schema rejects.
const hashAlgorithms: Record<string, { key: string; check: RegExp }> = {
  md5: { key: 'MD5', check: /^[a-f0-9]{32}$/i },
  sha1: { key: 'SHA-1', check: /^[a-f0-9]{40}$/i },
  sha224: { key: 'SHA-224', check: /^[a-f0-9]{56}$/i },
  sha256: { key: 'SHA-256', check: /^[a-f0-9]{64}$/i },
  sha384: { key: 'SHA-384', check: /^[a-f0-9]{96}$/i },
  sha512: { key: 'SHA-512', check: /^[a-f0-9]{128}$/i },
  'sha3-256': { key: 'SHA3-256', check: /^[a-f0-9]{64}$/i },
  'sha3-512': { key: 'SHA3-512', check: /^[a-f0-9]{128}$/i },
  ssdeep: { key: 'SSDEEP', check: /^[a-zA-Z0-9/+:.]{1,128}$/ },
  tlsh: { key: 'TLSH', check: /^[a-zA-Z0-9]{70}$/ },
};

const hashPath = (key: string) => (/^[A-Z0-9]+$/.test(key) ? `file:hashes.${key}` : `file:hashes.'${key}'`);

function hashForm(algorithm: string, hash: string, name?: string): AttributeForm {
  const alg = hashAlgorithms[algorithm];
  if (alg === undefined) return { invalid: `unknown hash ${algorithm}` };
  if (!alg.check.test(hash)) return { invalid: `not a ${algorithm} hash` };
  const value = alg.key === 'SSDEEP' || alg.key === 'TLSH' ? hash : hash.toLowerCase();
  const terms = [...(name ? [eq('file:name', name)] : []), eq(hashPath(alg.key), value)];
  return {
    pattern: stix(...terms),
    observables: (make) => [make('file', { ...(name ? { name } : {}), hashes: { [alg.key]: value } })],
  };
}

function ipForm(value: string): AttributeForm {
  const type = ipType(value);
  if (type === undefined) return { invalid: 'not an IP address or CIDR' };
  return { pattern: stix(eq(`${type}:value`, value)), observables: (make) => [make(type, { value })] };
}

function portNumber(text: string): number | undefined {
  return /^\d{1,5}$/.test(text) && Number(text) <= 65535 ? Number(text) : undefined;
}

// network-traffic needs `protocols`; MISP does not say which, and ports in MISP events are almost
// always TCP services, so `tcp` is the documented assumption.
function endpointWithPort(direction: 'src' | 'dst', host: string, portText: string, hostType: string | undefined): AttributeForm {
  const port = portNumber(portText);
  if (hostType === undefined || port === undefined) return { invalid: 'expected host|port' };
  return {
    pattern: stix(eq(`network-traffic:${direction}_ref.type`, hostType), eq(`network-traffic:${direction}_ref.value`, host), eq(`network-traffic:${direction}_port`, port)),
    observables: (make) => {
      const endpoint = make(hostType, { value: host });
      return [endpoint, make('network-traffic', { [`${direction}_ref`]: endpoint.id, [`${direction}_port`]: port, protocols: ['tcp'] })];
    },
  };
}

const domainCheck = /^[^\s/:@]+\.[^\s/:@]+$/;

function domainForm(value: string): AttributeForm {
  if (!domainCheck.test(value)) return { invalid: 'not a domain name' };
  return { pattern: stix(eq('domain-name:value', value)), observables: (make) => [make('domain-name', { value })] };
}

function urlForm(value: string): AttributeForm {
  if (value === '' || /\s/.test(value)) return { invalid: 'not a URL' };
  // The SCO's value must be an absolute URI (schema format "uri"); a MISP url without a scheme
  // still makes a pattern (it matches what a sensor logs) but no observable.
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i.test(value);
  return { pattern: stix(eq('url:value', value)), ...(absolute ? { observables: (make: ScoMaker) => [make('url', { value })] } : {}) };
}

const emailCheck = /^[^\s@]+@[^\s@]+$/;

function emailForm(value: string): AttributeForm {
  if (!emailCheck.test(value)) return { invalid: 'not an email address' };
  return { pattern: stix(eq('email-addr:value', value)), observables: (make) => [make('email-addr', { value })] };
}

function fileNameForm(value: string): AttributeForm {
  if (value === '') return { invalid: 'empty file name' };
  return { pattern: stix(eq('file:name', value)), observables: (make) => [make('file', { name: value })] };
}

function compositeHash(algorithm: string) {
  return (value: string): AttributeForm => {
    const parts = split2(value);
    return parts ? hashForm(algorithm, parts[1], parts[0]) : { invalid: `expected filename|${algorithm}` };
  };
}

// STIX wants the hive spelled out (HKEY_LOCAL_MACHINE, not HKLM), and its schema refuses a key
// that still contains an abbreviation anywhere (the pattern below is the schema's own).
const hives: Record<string, string> = {
  hklm: 'HKEY_LOCAL_MACHINE', hkcu: 'HKEY_CURRENT_USER', hkcr: 'HKEY_CLASSES_ROOT', hku: 'HKEY_USERS', hkcc: 'HKEY_CURRENT_CONFIG',
};
const abbreviatedHive = /^HKLM|HKCC|HKCR|HKCU|HKU|hklm|hkcc|hkcr|hkcu|hku/;

function fullHive(key: string): string | undefined {
  const m = /^(hklm|hkcu|hkcr|hku|hkcc)(?=\\|$)/i.exec(key);
  const full = m ? `${hives[m[1]!.toLowerCase()]}${key.slice(m[1]!.length)}` : key;
  return full === '' || abbreviatedHive.test(full) ? undefined : full;
}

const forms: Record<string, (value: string) => AttributeForm> = {
  'ip-src': ipForm,
  'ip-dst': ipForm,
  'ip-src|port': (v) => {
    const p = split2(v);
    return p ? endpointWithPort('src', p[0], p[1], ipType(p[0])) : { invalid: 'expected ip|port' };
  },
  'ip-dst|port': (v) => {
    const p = split2(v);
    return p ? endpointWithPort('dst', p[0], p[1], ipType(p[0])) : { invalid: 'expected ip|port' };
  },
  domain: domainForm,
  hostname: domainForm,
  'hostname|port': (v) => {
    const p = split2(v);
    return p && domainCheck.test(p[0]) ? endpointWithPort('dst', p[0], p[1], 'domain-name') : { invalid: 'expected hostname|port' };
  },
  'domain|ip': (v) => {
    const p = split2(v);
    const type = p ? ipType(p[1]) : undefined;
    if (!p || !domainCheck.test(p[0]) || type === undefined) return { invalid: 'expected domain|ip' };
    const [domain, ip] = p;
    return {
      pattern: stix(eq('domain-name:value', domain), eq('domain-name:resolves_to_refs[*].value', ip)),
      observables: (make) => {
        const addr = make(type, { value: ip });
        return [make('domain-name', { value: domain, resolves_to_refs: [addr.id] }), addr];
      },
    };
  },
  url: urlForm,
  uri: urlForm,
  link: urlForm,
  filename: fileNameForm,
  'email-attachment': fileNameForm,
  attachment: fileNameForm,
  'malware-sample': compositeHash('md5'),
  'email-src': emailForm,
  'email-dst': emailForm,
  email: emailForm,
  'email-subject': (v) => ({
    pattern: stix(eq('email-message:subject', v)),
    observables: (make) => [make('email-message', { is_multipart: false, subject: v })],
  }),
  // User agents live in network-traffic's HTTP extension, and a network-traffic SCO needs an
  // endpoint MISP does not give: pattern only.
  'user-agent': (v) => ({ pattern: stix(eq("network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'", v)) }),
  mutex: (v) => ({ pattern: stix(eq('mutex:name', v)), observables: (make) => [make('mutex', { name: v })] }),
  regkey: (v) => {
    const key = fullHive(v);
    if (key === undefined) return { invalid: 'registry key with an abbreviated hive name STIX does not allow' };
    return { pattern: stix(eq('windows-registry-key:key', key)), observables: (make) => [make('windows-registry-key', { key })] };
  },
  'regkey|value': (v) => {
    const p = split2(v);
    const key = p ? fullHive(p[0]) : undefined;
    if (!p || key === undefined) return { invalid: 'expected regkey|value with a full hive name' };
    return {
      pattern: stix(eq('windows-registry-key:key', key), eq('windows-registry-key:values[*].data', p[1])),
      observables: (make) => [make('windows-registry-key', { key, values: [{ data: p[1] }] })],
    };
  },
  AS: (v) => {
    const n = /^(?:AS)?(\d{1,10})$/i.exec(v.trim());
    if (!n) return { invalid: 'not an AS number' };
    const number = Number(n[1]);
    return { pattern: stix(eq('autonomous-system:number', number)), observables: (make) => [make('autonomous-system', { number })] };
  },
  'mac-address': (v) => {
    if (!/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(v)) return { invalid: 'not a MAC address' };
    const value = v.toLowerCase().replace(/-/g, ':');
    return { pattern: stix(eq('mac-addr:value', value)), observables: (make) => [make('mac-addr', { value })] };
  },
  port: (v) => {
    const port = portNumber(v.trim());
    return port === undefined ? { invalid: 'not a port' } : { pattern: stix(eq('network-traffic:dst_port', port)) };
  },
  // The PE extension needs pe_type, which MISP does not give: pattern only.
  imphash: (v) => {
    const hash = v.trim().toLowerCase();
    return /^[a-f0-9]{32}$/.test(hash) ? { pattern: stix(eq("file:extensions.'windows-pebinary-ext'.imphash", hash)) } : { invalid: 'not an imphash' };
  },
  yara: (v) => ({ pattern: { pattern: v, patternType: 'yara' } }),
  snort: (v) => ({ pattern: { pattern: v, patternType: 'snort' } }),
  sigma: (v) => ({ pattern: { pattern: v, patternType: 'sigma' } }),
};

for (const algorithm of Object.keys(hashAlgorithms)) {
  forms[algorithm] = (v) => hashForm(algorithm, v.trim());
  forms[`filename|${algorithm}`] = compositeHash(algorithm);
}
for (const [misp, key, hexDigits] of [['x509-fingerprint-md5', 'MD5', 32], ['x509-fingerprint-sha1', 'SHA-1', 40], ['x509-fingerprint-sha256', 'SHA-256', 64]] as const) {
  forms[misp] = (v) => {
    const hash = v.trim().toLowerCase().replace(/:/g, '');
    if (!/^[a-f0-9]+$/.test(hash) || hash.length !== hexDigits) return { invalid: `not a ${key} fingerprint` };
    const path = key === 'MD5' ? 'x509-certificate:hashes.MD5' : `x509-certificate:hashes.'${key}'`;
    return { pattern: stix(eq(path, hash)), observables: (make) => [make('x509-certificate', { hashes: { [key]: hash } })] };
  };
}

/**
 * The STIX forms of a MISP attribute of `type` with `value`, or `undefined` when the type has no
 * mapping (the caller counts it as unsupported, by type).
 */
export function mispAttributeForm(type: string, value: string): AttributeForm | undefined {
  const form = forms[type];
  return form === undefined ? undefined : form(value);
}

/** Every MISP attribute type this mapping understands (for the docs and the export direction). */
export const supportedMispTypes: readonly string[] = Object.keys(forms).sort();
