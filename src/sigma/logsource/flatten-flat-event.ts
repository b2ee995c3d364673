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
 * Flattens a flat Windows record (NXLog/Logstash as in Security-Datasets, Azure Monitor exports,
 * or fields already named as in Sigma) into Sigma fields: keys are folded to their canonical
 * case (`ProcessID` → `ProcessId`, `channel` → `Channel`), an `EventData` that an exporter stored
 * as a JSON or XML string is parsed and merged, and missing system fields are filled from the
 * exporter's names (`SourceName` → `Provider_Name`, `Hostname` → `Computer`).
 */
export function flattenFlatEvent(raw: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key in raw) fields[foldFieldName(key)] = raw[key];
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
