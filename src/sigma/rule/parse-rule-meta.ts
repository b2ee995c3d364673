import type { Logsource, RuleMeta } from '../sigma-types.js';

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function strings(v: unknown): string[] {
  if (Array.isArray(v)) {
    // `map` allocates the exact size; `filter` over-allocates (kept per rule), so only when needed.
    const out = v.map(str);
    return out.includes(undefined) ? out.filter((s): s is string => s !== undefined) : (out as string[]);
  }
  const s = str(v);
  return s === undefined ? [] : [s];
}

/** Lower-cased logsource triple of a rule or filter document (absent parts stay absent). */
export function parseLogsource(v: unknown): Logsource {
  const out: Logsource = {};
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['product', 'category', 'service'] as const) {
      const s = str(o[k]);
      if (s) out[k] = s.toLowerCase();
    }
  }
  return out;
}

/**
 * Rule metadata for alerts. Absent attributes: `level` 'medium' (pySigma's default severity),
 * `status` 'experimental' (the spec's least mature status), `author` '' (DRL 1.1 asks alerts to
 * carry the author the rule gives; a rule without one has none to carry). Tags are lower-cased.
 */
export function parseRuleMeta(doc: Record<string, unknown>, path: string): RuleMeta {
  const name = str(doc.name);
  const meta: RuleMeta = {
    id: str(doc.id) ?? name ?? '',
    title: str(doc.title) ?? '',
    level: (str(doc.level) ?? 'medium').toLowerCase(),
    status: (str(doc.status) ?? 'experimental').toLowerCase(),
    author: Array.isArray(doc.author) ? strings(doc.author).join(', ') : (str(doc.author) ?? ''),
    description: str(doc.description) ?? '',
    tags: strings(doc.tags).map((t) => t.toLowerCase()),
    references: strings(doc.references),
    logsource: parseLogsource(doc.logsource),
    path,
  };
  if (name !== undefined) meta.name = name;
  return meta;
}
