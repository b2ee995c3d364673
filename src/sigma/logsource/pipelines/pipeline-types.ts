/**
 * The declarative shape of a field-mapping pipeline: which channel an event comes from, which
 * Sigma category each EventID is, and which Sigma fields are derived from the event's own fields.
 * Pipelines are data; `windows-classifier.ts` and `ecs-event.ts` compile them into Maps once, at
 * module load, so classifying an event costs a few lookups.
 */

/**
 * How a derived value is computed from its source value(s).
 * - `copy`: the value as is.
 * - `hexToDecimal`: `"0x7d8"` → `2008` (Security logs print ids in hex, Sysmon in decimal).
 * - `integrityLevel`: mandatory-label SID → Sysmon's level name (`S-1-16-12288` → `High`).
 * - `registryPath`: kernel path → Sysmon's hive names (`\REGISTRY\MACHINE\…` → `HKLM\…`).
 * - `ipProtocol`: IANA number → Sysmon's name (`6` → `tcp`).
 * - `wfpDirection`: WFP direction (`%%14593` outbound) → Sysmon's `Initiated` (`true`/`false`).
 * - `ecsDirection`: ECS `network.direction` (`egress`/`outbound`) → `Initiated` (`true`/`false`).
 * - `hashes`: ECS hash object `{md5, sha256, …}` → Sysmon's `MD5=…,SHA256=…` string.
 * - `boolString`: `true` → `'true'` (Sysmon writes booleans as text).
 * - `first`: first element of an array.
 * - `account`: sources `[logonId, sid, domain, name]` → the account as Sysmon prints it: the
 *   NT AUTHORITY name of a well-known logon session or SID (`0x3e7`/`S-1-5-18` →
 *   `NT AUTHORITY\SYSTEM`), else `domain\name`; nothing when the name is empty or `-`.
 * - `logonId`: a logon id, or nothing for the null session `0x0`.
 */
export type ValueConversion =
  | 'copy' | 'hexToDecimal' | 'integrityLevel' | 'registryPath' | 'ipProtocol' | 'wfpDirection'
  | 'ecsDirection' | 'hashes' | 'boolString' | 'first' | 'account' | 'logonId';

/** One Sigma field derived from the event's fields. */
export interface FieldDerivation {
  /** Sigma field written. */
  to: string;
  /**
   * Source field or fields (canonical names, after flattening). With several: `join` joins them,
   * `convert: 'account'` reads them all, otherwise the first present one is used.
   */
  from: string | readonly string[];
  /** Join all sources with a backslash (`DOMAIN\user`, `key\value`) before converting; every source must be present. */
  join?: boolean;
  /** Default `copy`. */
  convert?: ValueConversion;
  /**
   * Replace a value the event already has under `to`. Needed where the source log uses the Sigma
   * name for something else (Security 4688 `ProcessId` is the parent's id).
   */
  overwrite?: boolean;
}

/** What one EventID of a channel is. */
export interface EventClass {
  /** Sigma category (omit for service-only events). */
  category?: string;
  /**
   * Category picked by the value of a field, for EventIDs that carry several (Sysmon 12:
   * `EventType` CreateKey → registry_add, DeleteKey → registry_delete). Keys are compared
   * case-insensitively; an absent or unknown value falls back to `category`.
   */
  categoryBy?: { field: string; values: Readonly<Record<string, string>> };
  /** Fields added so rules written for the category's Sysmon names match this log. */
  derive?: readonly FieldDerivation[];
}

/** The classification and field mapping of the events of some channels. */
export interface ChannelPipeline {
  /** Short name, for documentation and tests. */
  name: string;
  /** Channel names (compared case-insensitively). */
  channels: readonly string[];
  /** EventID → class. EventIDs not listed get the channel's service only. */
  events: Readonly<Record<number, EventClass>>;
}

/**
 * ECS (Winlogbeat 7+, Elastic Agent) path → Sigma field. `categories` limits an entry to events
 * of those categories, because ECS reuses one path for different Sysmon fields (`file.path` is
 * `TargetFilename` in file events and `ImageLoaded` in image loads).
 */
export interface EcsFieldMapping {
  /** Dotted ECS path (nested objects or one dotted key); several paths are joined with a backslash and all must be present. */
  path: string | readonly string[];
  to: string;
  categories?: readonly string[];
  convert?: ValueConversion;
}
