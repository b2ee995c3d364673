import { copyEventData } from './copy-event-data.js';
import { parseEmbeddedEventData } from './embedded-event-data.js';
import { foldFieldName } from './field-name-folder.js';
import { fillFields, type FieldAliases } from './fill-fields.js';

// NXLog (Security-Datasets), Azure Monitor/Sentinel `Event`/`SecurityEvent`/`WindowsEvent` tables.
const flatSystemAliases: FieldAliases = [
  ['Channel', ['EventLog']],
  ['Provider_Name', ['SourceName', 'EventSourceName', 'Source', 'Provider']],
  ['Computer', ['Hostname']],
  ['EventRecordID', ['RecordNumber']],
];

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
  let renames: string[] | undefined;
  for (const key in fields) {
    const name = foldFieldName(key);
    if (name !== key) (renames ??= []).push(key, name);
  }
  if (renames) {
    // The system aliases first: NXLog's provider key `SourceName` must reach `Provider_Name`
    // before Defender's data field `Source Name` takes the name `SourceName`.
    fillFields(fields, fields, flatSystemAliases);
    for (let i = 0; i < renames.length; i += 2) {
      const key = renames[i]!;
      const name = renames[i + 1]!;
      // A spelling with spaces is always event data (system fields have none), so it wins.
      if (fields[name] === undefined || key.includes(' ')) fields[name] = fields[key];
    }
  }
  const data = fields['EventData'];
  if (typeof data === 'string') {
    const parsed = parseEmbeddedEventData(data);
    if (parsed) {
      delete fields['EventData'];
      copyEventData(fields, parsed, false);
    }
  }
  fillFields(fields, fields, flatSystemAliases);
  recoverSysmonEventType(fields);
  return fields;
}

// NXLog's own severity field is also called EventType; some Security-Datasets sets let it
// overwrite Sysmon's (CreateKey, SetValue…), which decides the registry category.
const nxlogSeverities = new Set(['INFO', 'WARNING', 'ERROR', 'CRITICAL', 'VERBOSE', 'AUDIT_SUCCESS', 'AUDIT_FAILURE']);
const registryEventIds = new Set<unknown>([12, 13, 14, '12', '13', '14']);
const renderedEventType = /(?:^|\n)EventType: (\w+)/;

/** Puts Sysmon's registry EventType back from the rendered message when NXLog overwrote it. */
function recoverSysmonEventType(fields: Record<string, unknown>): void {
  if (!registryEventIds.has(fields['EventID'])) return;
  const type = fields['EventType'];
  const message = fields['Message'];
  if ((type !== undefined && !(typeof type === 'string' && nxlogSeverities.has(type))) || typeof message !== 'string') return;
  const m = renderedEventType.exec(message);
  if (m) fields['EventType'] = m[1];
}
