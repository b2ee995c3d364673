import type { RuleMeta } from '../sigma-types.js';

/** The seven correlation types of Sigma specification v2.1. */
export const correlationTypes = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
] as const;

export type CorrelationType = (typeof correlationTypes)[number];

/** Comparison operators of a correlation condition. */
export const conditionOperators = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;

export type ConditionOperator = (typeof conditionOperators)[number];

/** The bounds of a correlation condition, linked by AND (e.g. `gt: 100` and `lte: 200`). */
export type CorrelationCondition = Partial<Record<ConditionOperator, number>>;

/** A parsed, validated correlation rule; references are still unresolved names or ids. */
export interface CorrelationRule {
  /** Meta carried on the correlation's detections (`id` falls back to `name`, then to path#index). */
  meta: RuleMeta;
  type: CorrelationType;
  /** Referenced rules or correlations, by `id` or `name`, in the order written (matters for `temporal_ordered`). */
  rules: string[];
  /** Fields (or alias names) whose values must be equal for events to be correlated; may be empty. */
  groupBy: string[];
  /** alias name → (referenced rule name or id → field name in that rule's events). */
  aliases: Record<string, Record<string, string>>;
  /** Window length in milliseconds. */
  timespanMs: number;
  /** Original timespan text, e.g. `1h`. */
  timespan: string;
  condition: CorrelationCondition;
  /** Fields aggregated by the value_* types (several fields are combined into one tuple value). */
  fields: string[];
  /** Whether referenced rules still emit their own detections (spec default: false). */
  generate: boolean;
  path: string;
  line?: number;
}
