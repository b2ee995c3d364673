import type { MatchedSelection, RuleMeta } from '../sigma-types.js';

/** Details of a correlation detection. */
export interface CorrelationDetail {
  type: string;
  /** The group-by fields (or alias names) and the values the correlated events shared. */
  groupBy: Record<string, unknown>;
  /** The counted aggregate for event_count, value_count (distinct values), temporal and temporal_ordered (rules seen in order). */
  count?: number;
  /** The aggregate compared with the condition (for value_percentile: the share in percent of `fieldValue`). */
  value?: number;
  /** value_percentile: the value whose share satisfied the condition. */
  fieldValue?: string;
  /** Ids of the referenced rules or correlations that contributed events. */
  rules: string[];
  /** Time (ms) of the oldest counted event, or the window anchor for windows evaluated when closed. */
  windowStart: number;
  /** Time (ms) of the newest counted event (for sliding windows), or the anchor + timespan for closed windows. */
  windowEnd: number;
}

/** One detection: a Sigma rule matching an event, or a correlation rule whose condition held. */
export interface Detection {
  /** Meta of the rule or correlation (author included, as DRL 1.1 requires). */
  rule: RuleMeta;
  /** Matched selections for rule detections; empty for correlations. */
  matched: MatchedSelection[];
  kind: 'rule' | 'correlation';
  correlation?: CorrelationDetail;
}
