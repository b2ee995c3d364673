import type { CorrelationCondition, CorrelationType } from './correlation-rule.js';

/** True when `value` satisfies every bound of the condition (bounds are linked by AND). */
export function conditionHolds(c: CorrelationCondition, value: number): boolean {
  if (c.gt !== undefined && !(value > c.gt)) return false;
  if (c.gte !== undefined && !(value >= c.gte)) return false;
  if (c.lt !== undefined && !(value < c.lt)) return false;
  if (c.lte !== undefined && !(value <= c.lte)) return false;
  if (c.eq !== undefined && !(value === c.eq)) return false;
  if (c.neq !== undefined && !(value !== c.neq)) return false;
  return true;
}

/** Types whose aggregate only grows as events join a window (sum: for the non-negative amounts it is used with). */
const growingTypes: ReadonlySet<CorrelationType> = new Set([
  'event_count',
  'value_count',
  'value_sum',
  'temporal',
  'temporal_ordered',
]);

/**
 * How a correlation is evaluated.
 *
 * - `sliding`: the condition has only lower bounds (gt/gte) on a growing aggregate, so the moment it
 *   holds it will hold for the rest of the window: the correlation fires on that event, over a
 *   sliding window ending at it (no fixed boundaries, as the specification prefers).
 * - `closing`: anything with an upper bound (lt, lte, eq, neq) or a non-growing aggregate (average,
 *   percentile) can only be decided once the window is complete: windows are anchored at the first
 *   event of a group, `[start, start + timespan)`, and evaluated once when time passes their end.
 */
export function evaluationMode(type: CorrelationType, c: CorrelationCondition): 'sliding' | 'closing' {
  if (!growingTypes.has(type)) return 'closing';
  const upper = c.lt !== undefined || c.lte !== undefined || c.eq !== undefined || c.neq !== undefined;
  return upper ? 'closing' : 'sliding';
}
