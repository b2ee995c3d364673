const unitMs: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  // Not in the specification text, but accepted by pySigma; harmless to support.
  w: 604_800_000,
};

/**
 * Parses a Sigma correlation timespan (`number + lower-case unit`: `30s`, `5m`, `1h`, `1d`, and
 * pySigma's `2w`) into milliseconds. Returns an error message instead of throwing.
 *
 * @example parseTimespan('90m') // { ms: 5_400_000 }
 */
export function parseTimespan(text: unknown): { ms: number } | { error: string } {
  if (typeof text !== 'string') {
    return { error: `must be a string like 30s, 5m, 1h or 1d, got ${kindOf(text)}` };
  }
  const m = /^([0-9]+)([a-zA-Z]+)$/.exec(text.trim());
  if (!m) {
    return { error: `'${text}' is not a timespan: expected a number followed by s, m, h or d (e.g. 30s, 5m, 1h, 1d)` };
  }
  const unit = unitMs[m[2] ?? ''];
  if (unit === undefined) {
    return { error: `'${text}' has unknown unit '${m[2]}': use s, m, h or d (lower case)` };
  }
  const n = Number(m[1]);
  if (n <= 0 || !Number.isSafeInteger(n * unit)) {
    return { error: `'${text}' must be a positive duration` };
  }
  return { ms: n * unit };
}

/** The kind of a YAML value, for error messages. */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return `${typeof v} ${JSON.stringify(v)}`;
}
