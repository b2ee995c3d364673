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
 * Why in place and additive: this is the hot path of hunting Security-Datasets-like logs, and
 * building a fresh 40-key object per event costs about half a `JSON.parse` of its line, while a
 * shallow `Object.assign` clone (done by the caller when the raw event must survive) and a few
 * added keys cost a fraction; keeping the original spelling avoids `delete`, which would push the
 * object into slow dictionary mode.
 */
export function flattenFlatEvent(fields: Record<string, unknown>): Record<string, unknown> {
  let renames: string[] | undefined;
  for (const key in fields) {
    const name = foldFieldName(key);
    if (name !== key) (renames ??= []).push(key, name);
  }
  if (renames) {
    for (let i = 0; i < renames.length; i += 2) {
      const name = renames[i + 1]!;
      if (fields[name] === undefined) fields[name] = fields[renames[i]!];
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
  return fields;
}
