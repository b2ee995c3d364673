import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { ShieldwallError } from '../errors/error-catalog.js';
import { ConfigSchema, type Config } from './config-schema.js';

/** Package root (where `content/` ships), found from this file in src/ or dist/. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Environment variable → config path. The env wins over the file. */
const envKeys: Record<string, { path: string[]; kind: 'string' | 'integer' | 'boolean' | 'listen' }> = {
  SHIELDWALL_DATA_DIR: { path: ['dataDir'], kind: 'string' },
  SHIELDWALL_DB_URL: { path: ['db', 'url'], kind: 'string' },
  SHIELDWALL_BUS_URL: { path: ['bus', 'url'], kind: 'string' },
  SHIELDWALL_BUS_NAMESPACE: { path: ['bus', 'namespace'], kind: 'string' },
  SHIELDWALL_HOST: { path: ['http', 'host'], kind: 'string' },
  SHIELDWALL_PORT: { path: ['http', 'port'], kind: 'integer' },
  SHIELDWALL_BODY_LIMIT: { path: ['http', 'bodyLimit'], kind: 'integer' },
  SHIELDWALL_SHUTDOWN_GRACE_MS: { path: ['http', 'shutdownGraceMs'], kind: 'integer' },
  SHIELDWALL_LOG_LEVEL: { path: ['log', 'level'], kind: 'string' },
  SHIELDWALL_DETECTION_WORKERS: { path: ['ingest', 'detectionWorkers'], kind: 'integer' },
  SHIELDWALL_DETECT: { path: ['ingest', 'detect'], kind: 'boolean' },
  SHIELDWALL_INGEST_MAX_IN_FLIGHT: { path: ['ingest', 'maxInFlight'], kind: 'integer' },
  SHIELDWALL_RETENTION_DAYS: { path: ['ingest', 'retentionDays'], kind: 'integer' },
  SHIELDWALL_MAX_LINE_BYTES: { path: ['ingest', 'maxLineBytes'], kind: 'integer' },
  SHIELDWALL_SYSLOG_UDP: { path: ['ingest', 'syslog', 'udp'], kind: 'listen' },
  SHIELDWALL_SYSLOG_TCP: { path: ['ingest', 'syslog', 'tcp'], kind: 'listen' },
  SHIELDWALL_SYSLOG_TLS: { path: ['ingest', 'syslog', 'tls', 'address'], kind: 'string' },
  SHIELDWALL_SYSLOG_TLS_CERT: { path: ['ingest', 'syslog', 'tls', 'cert'], kind: 'string' },
  SHIELDWALL_SYSLOG_TLS_KEY: { path: ['ingest', 'syslog', 'tls', 'key'], kind: 'string' },
  SHIELDWALL_SYSLOG_TLS_CA: { path: ['ingest', 'syslog', 'tls', 'ca'], kind: 'string' },
  SHIELDWALL_SYSLOG_ORG: { path: ['ingest', 'syslog', 'org'], kind: 'string' },
  SHIELDWALL_SYSLOG_UDP_RECV_BUFFER: { path: ['ingest', 'syslog', 'udpReceiveBufferBytes'], kind: 'integer' },
  SHIELDWALL_SIGMA_DIR: { path: ['content', 'sigmaDir'], kind: 'string' },
  SHIELDWALL_INTEL_SIGHTING_THRESHOLD: { path: ['intel', 'sightingThreshold'], kind: 'integer' },
  SHIELDWALL_INTEL_SIGHTING_WINDOW_MS: { path: ['intel', 'sightingWindowMs'], kind: 'integer' },
};

/** Command-line overrides of `shieldwall start`: the option name (in error messages) and the config path. */
const flagKeys = {
  syslogUdp: { flag: '--syslog-udp', path: ['ingest', 'syslog', 'udp'], listen: true },
  syslogTcp: { flag: '--syslog-tcp', path: ['ingest', 'syslog', 'tcp'], listen: true },
  syslogTls: { flag: '--syslog-tls', path: ['ingest', 'syslog', 'tls', 'address'], listen: false },
  syslogTlsCert: { flag: '--syslog-tls-cert', path: ['ingest', 'syslog', 'tls', 'cert'], listen: false },
  syslogTlsKey: { flag: '--syslog-tls-key', path: ['ingest', 'syslog', 'tls', 'key'], listen: false },
  syslogTlsCa: { flag: '--syslog-tls-ca', path: ['ingest', 'syslog', 'tls', 'ca'], listen: false },
} as const;

export interface LoadConfigOptions {
  /** Config file (JSON or YAML); default `$SHIELDWALL_CONFIG`, else none. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Command-line overrides, highest precedence. */
  overrides?: Partial<{ dataDir: string; port: number; host: string } & Record<keyof typeof flagKeys, string>>;
}

/**
 * Builds the configuration from defaults, an optional file, `SHIELDWALL_*` variables and overrides,
 * and validates it. Any problem is one ShieldwallError CONFIG_INVALID naming the key and its source.
 */
export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const sources = new Map<string, string>();
  const raw: Record<string, unknown> = {};

  const file = opts.file ?? env.SHIELDWALL_CONFIG;
  if (file) {
    const fromFile = readConfigFile(file);
    merge(raw, fromFile);
    for (const key of leafPaths(fromFile)) sources.set(key, `file ${file}`);
  }
  for (const [name, spec] of Object.entries(envKeys)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    let parsed: unknown = value;
    if (spec.kind === 'integer') {
      if (!/^-?\d+$/.test(value.trim())) {
        throw new ShieldwallError('CONFIG_INVALID', `config: ${name}=${JSON.stringify(value)} is not an integer`, {
          key: spec.path.join('.'),
          source: name,
        });
      }
      parsed = Number(value);
    }
    if (spec.kind === 'boolean') {
      const v = value.trim().toLowerCase();
      if (!['true', 'false', '1', '0', 'yes', 'no'].includes(v)) {
        throw new ShieldwallError('CONFIG_INVALID', `config: ${name}=${JSON.stringify(value)} is not a boolean (true/false)`, {
          key: spec.path.join('.'),
          source: name,
        });
      }
      parsed = ['true', '1', 'yes'].includes(v);
    }
    sources.set((spec.kind === 'listen' ? setListen(raw, spec.path, parsed) : setPath(raw, spec.path, parsed)).join('.'), `env ${name}`);
  }
  const o = opts.overrides ?? {};
  if (o.dataDir !== undefined) setPath(raw, ['dataDir'], o.dataDir);
  if (o.port !== undefined) setPath(raw, ['http', 'port'], o.port);
  if (o.host !== undefined) setPath(raw, ['http', 'host'], o.host);
  for (const [name, spec] of Object.entries(flagKeys)) {
    const value = o[name as keyof typeof flagKeys];
    if (value === undefined) continue;
    sources.set((spec.listen ? setListen(raw, [...spec.path], value) : setPath(raw, [...spec.path], value)).join('.'), spec.flag);
  }

  const dataDir = typeof raw.dataDir === 'string' && raw.dataDir ? raw.dataDir : './data';
  const defaults: Config = {
    dataDir,
    db: { url: `sqlite:${path.join(dataDir, 'shieldwall.db')}` },
    bus: { url: 'memory:', namespace: 'shieldwall' },
    http: { host: '127.0.0.1', port: 8080, bodyLimit: 10 * 1024 * 1024, shutdownGraceMs: 10_000 },
    log: { level: 'info' },
    ingest: {
      detect: true,
      detectionWorkers: Math.min(availableParallelism(), 4),
      // Each event in flight is held parsed on a detection thread (several KB), and the lag is
      // about backlog / throughput: 20,000 keeps both in bounds on a small node.
      maxInFlight: 20_000,
      retentionDays: 7,
      maxLineBytes: 64 * 1024,
      syslog: { udp: null, tcp: null, tls: null, org: 'authority', udpReceiveBufferBytes: 4 * 1024 * 1024 },
    },
    content: { sigmaDir: path.join(packageRoot, 'content', 'sigma') },
    intel: { sightingThreshold: 10, sightingWindowMs: 3_600_000 },
  };
  const candidate = merge(structuredClone(defaults) as unknown as Record<string, unknown>, raw);

  const errors = [...Value.Errors(ConfigSchema, candidate)];
  if (errors.length > 0) {
    const first = mostPreciseError(errors);
    const key = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const extra =
      first.keyword === 'additionalProperties'
        ? `: unknown key(s) ${JSON.stringify((first.params as { additionalProperties?: string[] }).additionalProperties ?? [])}`
        : '';
    const source = sourceOf(sources, key);
    const where = key ? `${key}${source ? ` (from ${source})` : ''}` : 'config';
    throw new ShieldwallError('CONFIG_INVALID', `config: ${where} ${first.message}${extra}`, {
      key,
      source: source ?? 'default',
    });
  }
  const config = candidate as unknown as Config;
  validateUrls(config, sources);
  return config;
}

function validateUrls(config: Config, sources: Map<string, string>): void {
  const db = config.db.url;
  if (!/^(sqlite:|postgres(ql)?:\/\/|:memory:$)/.test(db)) {
    throw new ShieldwallError(
      'CONFIG_INVALID',
      `config: db.url${sources.has('db.url') ? ` (from ${sources.get('db.url')})` : ''} must start with sqlite: or postgres://`,
      { key: 'db.url' },
    );
  }
  const bus = config.bus.url;
  if (!/^(memory:|nats:\/\/)/.test(bus)) {
    throw new ShieldwallError(
      'CONFIG_INVALID',
      `config: bus.url${sources.has('bus.url') ? ` (from ${sources.get('bus.url')})` : ''} must be memory: or nats://host:port`,
      { key: 'bus.url' },
    );
  }
}

type SchemaError = ReturnType<typeof Value.Errors>[number];

/**
 * The error that tells the user most. A value that may take several shapes (a listener: an address
 * string or an object) fails every branch; the deepest error is the one inside the branch the
 * user meant, and "must be string / object / null" only helps when nothing deeper failed.
 */
function mostPreciseError(errors: SchemaError[]): SchemaError {
  const useful = errors.filter((e) => e.keyword !== 'boolean' && e.keyword !== 'anyOf');
  if (useful.length === 0) return errors[0]!;
  const depth = (e: SchemaError) => e.instancePath.split('/').length;
  const deepest = Math.max(...useful.map(depth));
  const atDeepest = useful.filter((e) => depth(e) === deepest);
  const specific = atDeepest.find((e) => e.keyword !== 'type');
  if (specific) return specific;
  if (atDeepest.length === 1) return atDeepest[0]!;
  const kinds = atDeepest.map((e) => String((e.params as { type?: unknown }).type));
  return { ...atDeepest[0]!, message: `must be ${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}` };
}

/** Where a key (or the nearest parent that was set) came from. */
function sourceOf(sources: Map<string, string>, key: string): string | undefined {
  for (let k = key; k; k = k.includes('.') ? k.slice(0, k.lastIndexOf('.')) : '') {
    if (sources.has(k)) return sources.get(k);
  }
  // A listener set from a flag or the env names its address key.
  for (const [k, v] of sources) if (k.startsWith(`${key}.`)) return v;
  return undefined;
}

function readConfigFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) {
    throw new ShieldwallError('CONFIG_INVALID', `config: file ${file} does not exist`, { file });
  }
  const text = readFileSync(file, 'utf8');
  try {
    const value: unknown = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('top level must be an object');
    }
    return value as Record<string, unknown>;
  } catch (err) {
    throw new ShieldwallError('CONFIG_INVALID', `config: file ${file}: ${(err as Error).message}`, { file });
  }
}

function merge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(source)) {
    const existing = target[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && existing && typeof existing === 'object') {
      merge(existing as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      target[k] = v;
    }
  }
  return target;
}

function setPath(target: Record<string, unknown>, keys: readonly string[], value: unknown): readonly string[] {
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (!node[k] || typeof node[k] !== 'object') node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
  return keys;
}

/**
 * Sets a listener's address: replaces an address string, but only the `address` of a listener the
 * file gave in its long form, so its senders and org survive `--syslog-udp` or the env.
 */
function setListen(target: Record<string, unknown>, keys: readonly string[], value: unknown): readonly string[] {
  let node: unknown = target;
  for (const k of keys) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined;
  return node && typeof node === 'object' && !Array.isArray(node) ? setPath(target, [...keys, 'address'], value) : setPath(target, keys, value);
}

function leafPaths(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? leafPaths(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}
