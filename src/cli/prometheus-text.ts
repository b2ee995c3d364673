/** One sample of the Prometheus text exposition format. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A parse problem, with the 1-based line it was found on. */
export class PromTextError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`metrics line ${line}: ${message}`);
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/**
 * Parses the Prometheus text format (version 0.0.4): `# HELP`/`# TYPE` comments are skipped, every
 * other non-empty line is `name{label="value",…} value [timestamp]`. Label values may hold escaped
 * `\\`, `\"` and `\n`.
 * @throws PromTextError naming the line and what is wrong with it.
 */
export function parsePrometheusText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    samples.push(parseLine(line, i + 1));
  }
  return samples;
}

function parseLine(line: string, lineNo: number): PromSample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new PromTextError(lineNo, `expected a metric name, got ${JSON.stringify(line.slice(0, 40))}`);
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      while (line[pos] === ' ' || line[pos] === ',') pos++;
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const label = LABEL_NAME.exec(line.slice(pos))?.[0];
      if (!label) throw new PromTextError(lineNo, `expected a label name at column ${pos + 1}`);
      pos += label.length;
      if (line[pos] !== '=' || line[pos + 1] !== '"') throw new PromTextError(lineNo, `expected ="…" after label ${label} at column ${pos + 1}`);
      pos += 2;
      let value = '';
      for (;;) {
        const c = line[pos];
        if (c === undefined) throw new PromTextError(lineNo, `unterminated value of label ${label}`);
        pos++;
        if (c === '"') break;
        if (c === '\\') {
          const e = line[pos++];
          value += e === 'n' ? '\n' : (e ?? '');
        } else value += c;
      }
      labels[label] = value;
    }
  }
  const rest = line.slice(pos).trim().split(/\s+/);
  const value = parseValue(rest[0] ?? '');
  if (value === undefined) throw new PromTextError(lineNo, `${name}: value ${JSON.stringify(rest[0] ?? '')} is not a number`);
  return { name, labels, value };
}

function parseValue(text: string): number | undefined {
  // Case-insensitive like Prometheus itself (Go's ParseFloat): prom-client writes `Nan`.
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  if (text === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/**
 * The q-quantile of a histogram from its cumulative `_bucket` samples, interpolated linearly within
 * the bucket as PromQL's `histogram_quantile` does. Null when the histogram has no observation; the
 * highest finite bound when the quantile falls in the +Inf bucket.
 */
export function histogramQuantile(q: number, buckets: readonly { le: number; count: number }[]): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      const inBucket = b.count - prevCount;
      return inBucket === 0 ? b.le : prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

/** The buckets of histogram `name` (samples `name_bucket{le=…}`), summed over every other label. */
export function histogramBuckets(samples: readonly PromSample[], name: string): { le: number; count: number }[] {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || s.labels.le === undefined) continue;
    const le = parseValue(s.labels.le);
    if (le === undefined) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe].map(([le, count]) => ({ le, count }));
}
