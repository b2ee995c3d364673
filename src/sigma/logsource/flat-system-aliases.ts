import type { FieldAliases } from './fill-fields.js';

/**
 * The system fields of flat records under their exporters' names: NXLog (Security-Datasets) and
 * the Azure Monitor/Sentinel `Event`/`SecurityEvent`/`WindowsEvent` tables. Each Sigma field is
 * filled from the first usable source when the record lacks it (see `flattenFlatEvent`).
 */
export const flatSystemAliases: FieldAliases = [
  ['Channel', ['EventLog']],
  ['Provider_Name', ['SourceName', 'EventSourceName', 'Source', 'Provider']],
  ['Computer', ['Hostname']],
  ['EventRecordID', ['RecordNumber']],
];
