import { normalizeDashes } from '../modifiers/value-test.js';

/**
 * Per-event access to field values for the matchers, reused across events so matching allocates
 * almost nothing: field values are case-folded at most once per field per event.
 */
export class EventView {
  private fields: Record<string, unknown> = {};
  private readonly foldCache = new Map<string, string | undefined>();
  private readonly dashCache = new Map<string, string | undefined>();
  private keywordTexts: string[] | undefined;

  /** Points the view at the next event and drops the previous event's caches. */
  reset(fields: Record<string, unknown>): void {
    this.fields = fields;
    if (this.foldCache.size > 0) this.foldCache.clear();
    if (this.dashCache.size > 0) this.dashCache.clear();
    this.keywordTexts = undefined;
  }

  /** The current event's fields. */
  fieldsObject(): Record<string, unknown> {
    return this.fields;
  }

  /** Raw value of a field: exact key first, then a dotted path through nested objects. */
  get(field: string): unknown {
    const v = this.fields[field];
    if (v !== undefined || field.indexOf('.') < 0) return v;
    let cur: unknown = this.fields;
    for (const part of field.split('.')) {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  }

  /** Lower-cased string form of a scalar field (numbers and booleans as their text), cached. */
  folded(field: string): string | undefined {
    let v = this.foldCache.get(field);
    if (v === undefined && !this.foldCache.has(field)) {
      const s = scalarText(this.get(field));
      v = s === undefined ? undefined : s.toLowerCase();
      this.foldCache.set(field, v);
    }
    return v;
  }

  /** {@link folded} with the windash dash characters turned into `-`, cached. */
  dashFolded(field: string): string | undefined {
    let v = this.dashCache.get(field);
    if (v === undefined && !this.dashCache.has(field)) {
      const f = this.folded(field);
      v = f === undefined ? undefined : normalizeDashes(f);
      this.dashCache.set(field, v);
    }
    return v;
  }

  /** Every scalar value of the event as folded text: what keyword searches look into. */
  keywords(): string[] {
    if (!this.keywordTexts) {
      const out: string[] = [];
      collect(this.fields, out, 0);
      this.keywordTexts = out;
    }
    return this.keywordTexts;
  }
}

/** Text of a string, number or boolean; undefined for anything else. */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

function collect(v: unknown, out: string[], depth: number): void {
  if (depth > 8) return;
  const s = scalarText(v);
  if (s !== undefined) out.push(s.toLowerCase());
  else if (Array.isArray(v)) for (const x of v) collect(x, out, depth + 1);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x, out, depth + 1);
}
