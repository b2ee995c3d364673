import { CliExit } from './cli-exit.js';

export type OutputFormat = 'json' | 'table';

/** Validates a `--format` value against the formats a command supports (usage error otherwise). */
export function parseFormat<T extends string>(value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliExit(2, `--format must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return value as T;
}

/** Renders rows as an aligned text table (no colour, so it pipes cleanly). */
export function renderTable(rows: Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return '(none)\n';
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n') + '\n';
}

/** Prints data as JSON (one document) or as a table. */
export function printData(data: Record<string, unknown> | Record<string, unknown>[], format: OutputFormat, columns?: string[]): void {
  if (format === 'json') process.stdout.write(JSON.stringify(data) + '\n');
  else process.stdout.write(renderTable(Array.isArray(data) ? data : [data], columns));
}

/** Buffers stdout writes: one syscall per ~64 KB instead of one per line. */
export class LineWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly out: NodeJS.WritableStream) {}
  line(text: string): void {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size > 65536) this.flush();
  }
  flush(): void {
    if (this.parts.length > 0) this.out.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

/** Malformed events listed one by one before only a count is kept. */
const MALFORMED_SHOWN = 20;

/** Lists malformed events on stderr (file, record, line, offset, reason): the first 20, then a count. */
export function reportMalformed(malformed: readonly { file: string; record?: number; line?: number; offset?: number; message: string }[]): void {
  for (const m of malformed.slice(0, MALFORMED_SHOWN)) {
    const where = [m.record !== undefined ? `record ${m.record}` : '', m.line !== undefined ? `line ${m.line}` : '', m.offset !== undefined ? `offset ${m.offset}` : ''].filter(Boolean).join(', ');
    process.stderr.write(`malformed event: ${m.file}${where ? ` (${where})` : ''}: ${m.message}\n`);
  }
  if (malformed.length > MALFORMED_SHOWN) process.stderr.write(`… and ${malformed.length - MALFORMED_SHOWN} more malformed events\n`);
}
