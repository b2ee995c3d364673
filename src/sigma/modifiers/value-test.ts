import type { PatternPart } from './sigma-pattern.js';
import type { CidrRange } from './cidr.js';
import type { SigmaRegex } from './sigma-regex.js';

/** Comparison operators of the numeric modifiers (and of the time-part modifiers). */
export type NumericOp = 'lt' | 'lte' | 'gt' | 'gte' | 'eq';

/** Parts of a date the time modifiers extract. */
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/**
 * One compiled test of one value. `dash` (windash): the pattern's dash characters are all `-`
 * and it is matched against the value with its dash characters turned into `-` too, which is
 * equivalent to trying every permutation of the five dash characters, without the 5^n patterns. String tests hold their literal already case-folded unless
 * `cased` (the event side is folded once per field per event).
 */
export type ValueTest =
  | { kind: 'eq' | 'startswith' | 'endswith' | 'contains'; text: string; cased: boolean; dash?: boolean }
  | { kind: 'glob'; parts: PatternPart[]; cased: boolean; dash?: boolean }
  | { kind: 're'; re: SigmaRegex; source: string }
  | { kind: 'cidr'; range: CidrRange }
  | { kind: 'num'; op: NumericOp; value: number }
  | { kind: 'time'; part: TimePart; op: NumericOp; value: number }
  | { kind: 'null' }
  | { kind: 'exists'; exists: boolean }
  | { kind: 'fieldref'; other: string; mode: 'eq' | 'startswith' | 'endswith' | 'contains'; cased: boolean };

/** The five characters the windash modifier treats as one. */
export const dashPattern = /[/\u2013\u2014\u2015]/g;

/** A text with every windash dash character turned into `-`. */
export function normalizeDashes(s: string): string {
  return s.replace(dashPattern, '-');
}

/**
 * A compiled `field|modifiers: values` entry of a search identifier (or a keyword when `field` is
 * undefined). The values are OR-ed unless `all`; `neq` negates the whole entry.
 */
export interface FieldTest {
  field: string | undefined;
  tests: ValueTest[];
  all: boolean;
  neq: boolean;
  /** For `expand` entries: the original key and values, so placeholders can be resolved later. */
  expand?: { key: string; values: (string | number | boolean | null)[] };
  /** Where the entry is in the rule file (1-based), for error messages. */
  line?: number;
  column?: number;
}
