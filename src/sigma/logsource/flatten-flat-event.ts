import { copyEventData } from './copy-event-data.js';
import { parseEmbeddedEventData } from './embedded-event-data.js';
import { foldFieldName } from './field-name-folder.js';
import { fillFields } from './fill-fields.js';
import { flatSystemAliases } from './flat-system-aliases.js';
import { recoverSysmonEventType } from './recover-sysmon-event-type.js';


/**
 * Turns a flat Windows record (NXLog/Logstash as in Security-Datasets, Azure Monitor exports, or
 * fields already named as in Sigma) into Sigma fields, IN PLACE: a key spelled with another case
 * gets its canonical spelling added beside it (`ProcessID` → also `ProcessId`, `channel` → also
 * `Channel`), an `EventData` that an exporter stored as a JSON or XML string is parsed and merged,
 * and missing system fields are filled from the exporter's names (`SourceName` → `Provider_Name`,
 * `Hostname` → `Computer`).
 *
 * Why in place and additive: this is the hot path of hunting Security-Datasets-like logs. Copying
 * a 40-key record costs half to all of the `JSON.parse` of its line (the caller pays it only when
 * the raw event must survive), while adding a few keys in place costs about a fifth (see
 * `normalize-event.cost.test.ts`); keeping the original spelling also avoids `delete`, which
 * would push the object into slow dictionary mode.
 */
export function flattenFlatEvent(fields: Record<string, unknown>): Record<string, unknown> {
  // The system alias names' values are picked up in the key walk: looking up absent keys such as
  // `Provider_Name` on records of many shapes took more than half of the normalisation time.
  const system: unknown[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  let renames: string[] | undefined;
  for (const key in fields) {
    const info = keyInfo(key);
    if (info.role >= 0) system[info.role] = fields[key];
    if (info.name !== key) (renames ??= []).push(key, info.name);
  }
  if (renames) {
    // The system aliases first: NXLog's provider key `SourceName` must reach `Provider_Name`
    // before Defender's data field `Source Name` takes the name `SourceName`.
    fillSystemFields(fields, system);
    for (let i = 0; i < renames.length; i += 2) {
      const key = renames[i]!;
      const name = renames[i + 1]!;
      // A spelling with spaces is always event data (system fields have none), so it wins.
      if (fields[name] === undefined || key.includes(' ')) {
        fields[name] = fields[key];
        const role = systemRole.get(name);
        if (role !== undefined) system[role] = fields[key];
      }
    }
  }
  const data = fields['EventData'];
  let embedded = false;
  if (typeof data === 'string') {
    const parsed = parseEmbeddedEventData(data);
    if (parsed) {
      delete fields['EventData'];
      copyEventData(fields, parsed, false);
      embedded = true;
    }
  }
  if (embedded) fillFields(fields, fields, flatSystemAliases);
  else fillSystemFields(fields, system);
  recoverSysmonEventType(fields);
  return fields;
}

/** Index of each name of {@link flatSystemAliases} (targets and sources) in a values array. */
const systemRole = new Map<string, number>();
for (const [to, from] of flatSystemAliases) for (const name of [to, ...from]) if (!systemRole.has(name)) systemRole.set(name, systemRole.size);

const [channel, eventLog, providerName, sourceName, eventSourceName, source, provider, computer, hostname, eventRecordId, recordNumber] = [
  'Channel', 'EventLog', 'Provider_Name', 'SourceName', 'EventSourceName', 'Source', 'Provider', 'Computer', 'Hostname', 'EventRecordID', 'RecordNumber',
].map((n) => systemRole.get(n)!) as [number, number, number, number, number, number, number, number, number, number, number];

const providerSources = [sourceName, eventSourceName, source, provider];

function usable(v: unknown): boolean {
  return v !== undefined && v !== null && typeof v !== 'object';
}

/**
 * `fillFields(fields, fields, flatSystemAliases)` on the values the key walk collected. Spelled
 * out with constant property names: a store adding a property under a computed name took the
 * slow megamorphic path (about 1 µs an event), a named one hits the store cache.
 */
function fillSystemFields(fields: Record<string, unknown>, system: unknown[]): void {
  if (system[channel] === undefined && usable(system[eventLog])) fields.Channel = system[channel] = system[eventLog];
  if (system[providerName] === undefined) {
    for (const from of providerSources) {
      if (usable(system[from])) {
        fields.Provider_Name = system[providerName] = system[from];
        break;
      }
    }
  }
  if (system[computer] === undefined && usable(system[hostname])) fields.Computer = system[computer] = system[hostname];
  if (system[eventRecordId] === undefined && usable(system[recordNumber])) fields.EventRecordID = system[eventRecordId] = system[recordNumber];
}

interface KeyInfo {
  /** Canonical spelling (see foldFieldName). */
  name: string;
  /** Index in {@link systemRole}, or -1. */
  role: number;
}

// One Map hit per key gives both answers; capped like foldFieldName's memo.
const keyInfos = new Map<string, KeyInfo>();

function keyInfo(key: string): KeyInfo {
  let info = keyInfos.get(key);
  if (info === undefined) {
    info = { name: foldFieldName(key), role: systemRole.get(key) ?? -1 };
    if (keyInfos.size < 20_000) keyInfos.set(key, info);
  }
  return info;
}
