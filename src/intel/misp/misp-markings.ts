import { moreRestrictive, type TlpLevel } from '../tlp/index.js';
import { mispInteger, type MispTag } from './misp-event.js';

/** The more restrictive of two levels; `undefined` (nothing said) loses. */
export function stricterTlp(a: TlpLevel | undefined, b: TlpLevel | undefined): TlpLevel | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return moreRestrictive(a, b);
}

// MISP still writes TLP 1.0 `tlp:white`; TLP 2.0 renamed it CLEAR. `tlp:ex:*` and `tlp:unclear`
// are not sharing levels and are ignored.
const tagLevels: Record<string, TlpLevel> = {
  'tlp:white': 'clear',
  'tlp:clear': 'clear',
  'tlp:green': 'green',
  'tlp:amber': 'amber',
  'tlp:amber+strict': 'amber+strict',
  'tlp:red': 'red',
};

/** True for a tag that carries a TLP level (it becomes a marking, not a label). */
export function isTlpTag(name: string): boolean {
  return name.trim().toLowerCase() in tagLevels;
}

/** The most restrictive TLP level among `tlp:*` tags, or `undefined` when there is none. */
export function tlpFromTags(tags: readonly MispTag[] | undefined): TlpLevel | undefined {
  let level: TlpLevel | undefined;
  for (const tag of tags ?? []) {
    if (typeof tag?.name !== 'string') continue;
    level = stricterTlp(level, tagLevels[tag.name.trim().toLowerCase()]);
  }
  return level;
}

/**
 * MISP distribution level -> TLP, used only when no `tlp:*` tag says otherwise.
 *
 * - 0 "your organisation only" -> AMBER+STRICT: stays inside the importing organisation.
 * - 1 "this community only" -> AMBER: the MISP community is not ours, so the importing
 *   organisation may pass it to its own clients but not to the whole alliance.
 * - 2 "connected communities" -> GREEN: meant to travel between communities.
 * - 3 "all communities" -> CLEAR.
 * - 4 "sharing group" -> AMBER+STRICT: the group's members are not in the event, so we cannot
 *   reproduce the list; keeping it in the importing organisation is the only safe reading.
 * - 5 "inherit event" -> the event's level (`undefined` here, the caller falls back).
 */
export function tlpFromDistribution(distribution: unknown): TlpLevel | undefined {
  switch (mispInteger(distribution)) {
    case 0:
      return 'amber+strict';
    case 1:
      return 'amber';
    case 2:
      return 'green';
    case 3:
      return 'clear';
    case 4:
      return 'amber+strict';
    default:
      return undefined;
  }
}

/** TLP -> MISP distribution for export (the inverse of `tlpFromDistribution`, RED -> 0). */
export function distributionFromTlp(level: TlpLevel): number {
  return { clear: 3, green: 2, amber: 1, 'amber+strict': 0, red: 0 }[level];
}
