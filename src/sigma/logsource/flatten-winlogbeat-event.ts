import { copyEventData } from './copy-event-data.js';
import { fillFields, type FieldAliases } from './fill-fields.js';

const legacySystemAliases: FieldAliases = [
  ['Channel', ['log_name']],
  ['EventID', ['event_id']],
  ['Provider_Name', ['source_name']],
  ['Computer', ['computer_name']],
  ['EventRecordID', ['record_number']],
  ['Task', ['task']],
  ['Opcode', ['opcode']],
  ['Level', ['level']],
  ['Execution_ProcessID', ['process_id']],
  ['Execution_ThreadID', ['thread_id']],
  ['Message', ['message']],
];

/**
 * Flattens a Winlogbeat 6.x record (snake case, `event_data` nested, no ECS): `event_data.*` and
 * `user_data.*` by name, then the system part (`log_name` → `Channel`, `event_id` → `EventID`,
 * `source_name` → `Provider_Name`, `computer_name` → `Computer`…).
 */
export function flattenWinlogbeatLegacyEvent(raw: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  copyEventData(fields, raw['event_data']);
  copyEventData(fields, raw['user_data'], false);
  delete fields['xml_name'];
  fillFields(fields, raw, legacySystemAliases);
  return fields;
}
