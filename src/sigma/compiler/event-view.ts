import { normalizeDashes } from '../modifiers/value-test.js';

/**
 * Folded values from this length on have their automaton scans noted ({@link EventView.noteScan});
 * shorter ones are rescanned by `includes`, which is cheaper than the lookup.
 */
export const noteScanMinLength = 64;

/**
 * Per-event access to field values for the matchers, reused across events so matching allocates
 * almost nothing: field values are case-folded at most once per field per event.
 */
export class EventView {
  private fields: Record<string, unknown> = {};
  /**
   * Per-field caches as arrays indexed by a slot per field name, valid while their stamp equals
   * the event's epoch: resetting is one increment. Two Maps cleared per event cost more than the
   * folding they saved (`Map.clear` allocates a new table; get/has/set per field).
   */
  private readonly slots = new Map<string, number>();
  private foldStamp = new Uint32Array(64);
  private readonly foldValue: (string | undefined)[] = [];
  private dashStamp = new Uint32Array(64);
  private readonly dashValue: (string | undefined)[] = [];
  private epoch = 1;
  /** Automaton scans of folded values this event (see {@link noteScan}), by slot. */
  private scanStamp = new Uint32Array(64);
  private readonly scanPatterns: (Map<string, number> | undefined)[] = [];
  private readonly scanHits: (Uint32Array | undefined)[] = [];
  private readonly scanEpoch: number[] = [];
  private keywordTexts: string[] | undefined;

  /** Points the view at the next event and drops the previous event's caches. */
  reset(fields: Record<string, unknown>): void {
    this.fields = fields;
    this.keywordTexts = undefined;
    if (++this.epoch === 0xffffffff) {
      this.foldStamp.fill(0);
      this.dashStamp.fill(0);
      this.scanStamp.fill(0);
      this.epoch = 1;
    }
  }

  /**
   * Slot of a field name; names come from the compiled rules, so the table stays small. Callers
   * that probe the same fields on every event keep the slot and use {@link foldedAt}.
   */
  slotOf(field: string): number {
    let s = this.slots.get(field);
    if (s === undefined) {
      s = this.slots.size;
      this.slots.set(field, s);
      if (s >= this.foldStamp.length) {
        const grow = (a: Uint32Array): Uint32Array<ArrayBuffer> => {
          const b = new Uint32Array(a.length * 2);
          b.set(a);
          return b;
        };
        this.foldStamp = grow(this.foldStamp);
        this.dashStamp = grow(this.dashStamp);
        this.scanStamp = grow(this.scanStamp);
      }
    }
    return s;
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
    return this.foldedAt(this.slotOf(field), field);
  }

  /** {@link folded} for a field whose slot the caller already has. */
  foldedAt(s: number, field: string): string | undefined {
    return this.foldStamp[s] === this.epoch ? this.foldValue[s] : this.foldedOf(s, this.get(field));
  }

  /** {@link foldedAt} for a caller that has read the field's value `raw` already. */
  foldedOf(s: number, raw: unknown): string | undefined {
    if (this.foldStamp[s] === this.epoch) return this.foldValue[s];
    const text = scalarText(raw);
    const v = text === undefined ? undefined : text.toLowerCase();
    this.foldStamp[s] = this.epoch;
    this.foldValue[s] = v;
    return v;
  }

  /** {@link folded} with the windash dash characters turned into `-`, cached. */
  dashFolded(field: string): string | undefined {
    return this.dashFoldedAt(this.slotOf(field), field);
  }

  /** {@link dashFolded} for a field whose slot the caller already has. */
  dashFoldedAt(s: number, field: string): string | undefined {
    return this.dashStamp[s] === this.epoch ? this.dashValue[s] : this.dashFoldedOf(s, this.get(field));
  }

  /** {@link dashFoldedAt} for a caller that has read the field's value `raw` already. */
  dashFoldedOf(s: number, raw: unknown): string | undefined {
    if (this.dashStamp[s] === this.epoch) return this.dashValue[s];
    const f = this.foldedOf(s, raw);
    const v = f === undefined ? undefined : normalizeDashes(f);
    this.dashStamp[s] = this.epoch;
    this.dashValue[s] = v;
    return v;
  }

  /**
   * Records that the folded value of the field in slot `s` was scanned for every pattern of `patterns` on this
   * event: pattern k occurs in it iff `hits[k] === hitEpoch`.
   */
  noteScan(s: number, patterns: Map<string, number>, hits: Uint32Array, hitEpoch: number): void {
    this.scanStamp[s] = this.epoch;
    this.scanPatterns[s] = patterns;
    this.scanHits[s] = hits;
    this.scanEpoch[s] = hitEpoch;
  }

  /**
   * Whether the folded value of `field` contains `text`, when a scan noted on this event already
   * says; undefined when it does not know.
   */
  scannedContains(field: string, text: string): boolean | undefined {
    return this.scannedContainsAt(this.slotOf(field), text);
  }

  /** {@link scannedContains} for a field whose slot the caller already has. */
  scannedContainsAt(s: number, text: string): boolean | undefined {
    if (this.scanStamp[s] !== this.epoch) return undefined;
    const k = this.scanPatterns[s]!.get(text);
    return k === undefined ? undefined : this.scanHits[s]![k] === this.scanEpoch[s];
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
