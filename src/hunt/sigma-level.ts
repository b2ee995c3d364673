/** Sigma rule levels, lowest first (specification: informational, low, medium, high, critical). */
export const sigmaLevels = ['informational', 'low', 'medium', 'high', 'critical'] as const;

/** One Sigma level. */
export type SigmaLevel = (typeof sigmaLevels)[number];

/** True when `value` names a Sigma level (case-insensitive input is the caller's job). */
export function isSigmaLevel(value: string): value is SigmaLevel {
  return (sigmaLevels as readonly string[]).includes(value);
}

/**
 * Rank of a level for `--min-level` filtering: informational 1 … critical 5. A missing or unknown
 * level ranks 0, so it passes only when no minimum is set.
 */
export function levelRank(level: string | undefined): number {
  return level === undefined ? 0 : (sigmaLevels as readonly string[]).indexOf(level.toLowerCase()) + 1;
}
