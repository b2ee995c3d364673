import type { RuleMeta } from '../sigma/sigma-types.js';

/** Rule statuses of the Sigma specification, most mature first. */
export const sigmaStatuses = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;

/** True when `value` names a Sigma rule status (case-insensitive input is the caller's job). */
export function isSigmaStatus(value: string): boolean {
  return (sigmaStatuses as readonly string[]).includes(value);
}

/**
 * Which rules' detections a hunt reports (`--status`, `--tag`), beside `--min-level`. Each given
 * list must be met: a status among `statuses`, and a tag at or under one of `tags`.
 */
export interface HuntRuleFilter {
  /** Lower-case statuses reported. */
  statuses?: readonly string[];
  /**
   * Lower-case tags: a rule qualifies with a tag equal to one or below it in the dotted
   * namespace, so `attack.t1003` takes `attack.t1003.001` (not `attack.t10030`).
   */
  tags?: readonly string[];
}

/** Whether `rule` passes `filter` (an empty filter passes every rule). */
export function ruleSelected(filter: HuntRuleFilter, rule: RuleMeta): boolean {
  if (filter.statuses !== undefined && !filter.statuses.includes(rule.status.toLowerCase())) return false;
  const wanted = filter.tags;
  if (wanted === undefined) return true;
  for (const tag of rule.tags) {
    const t = tag.toLowerCase();
    for (const w of wanted) if (t === w || (t.startsWith(w) && t.charCodeAt(w.length) === 46)) return true;
  }
  return false;
}
