import { ShieldwallError } from '../../errors/error-catalog.js';
import type { Clock } from '../../shared/clock.js';
import type { StixCommonProperties } from './stix-core-types.js';
import { compareStixTimestamps, parseStixTimestamp, stixTimestamp } from './stix-timestamp.js';

/** Properties a new version must keep (STIX 2.1 §3.6: only the creator versions, and identity stays). */
const FIXED = ['type', 'id', 'created', 'created_by_ref', 'spec_version'] as const;

/** What may change between versions. */
export type VersionChanges<T> = Partial<Omit<T, (typeof FIXED)[number] | 'modified'>>;

/**
 * A new version of `object` (STIX 2.1 §3.6): same `id` and `created`, the changes applied, and a
 * `modified` later than the previous one. The clock decides `modified`; when it has not moved past
 * the previous version (two edits in the same millisecond, or a clock behind the producer's), the
 * previous `modified` plus one millisecond is used, because consumers keep only the latest
 * `modified` and an equal one would be taken for the same version.
 * A property set to `undefined` in `changes` is removed. A revoked object cannot be versioned.
 *
 * @throws ShieldwallError VALIDATION_FAILED when the object is revoked or a change touches a fixed property.
 */
export function newVersion<T extends StixCommonProperties>(object: T, changes: VersionChanges<T>, clock: Clock): T {
  if (object.revoked === true) {
    throw new ShieldwallError('VALIDATION_FAILED', `${object.id} is revoked; a revoked object has no further versions`, { where: object.id, what: 'revoked' });
  }
  for (const key of [...FIXED, 'modified']) {
    if (Object.hasOwn(changes, key)) {
      throw new ShieldwallError('VALIDATION_FAILED', `a new version cannot change "${key}"`, { where: key, what: 'fixed property' });
    }
  }
  const previous = parseStixTimestamp(object.modified);
  const now = clock.now();
  const modified = stixTimestamp(Number.isNaN(previous) || now > previous ? now : previous + 1);
  const next: Record<string, unknown> = { ...object, ...changes, modified };
  for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
  return next as T;
}

/** The revoked last version of `object` (STIX 2.1 §3.6.2): consumers stop using it. */
export function revoke<T extends StixCommonProperties>(object: T, clock: Clock): T {
  return newVersion(object, { revoked: true } as VersionChanges<T>, clock);
}

/** Whether `candidate` is a later version of the same object than `current`. */
export function isNewerVersion(candidate: { id: string; modified: string }, current: { id: string; modified: string }): boolean {
  return candidate.id === current.id && compareStixTimestamps(candidate.modified, current.modified) > 0;
}

/** The latest of several versions of one object (by `modified`), or undefined for none. */
export function latestVersion<T extends { modified: string }>(versions: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const v of versions) if (best === undefined || compareStixTimestamps(v.modified, best.modified) > 0) best = v;
  return best;
}
