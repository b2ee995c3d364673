import type { EcsFieldMapping } from './pipeline-types.js';

const processActor = ['process_creation', 'network_connection', 'image_load', 'file_event', 'file_delete', 'file_delete_detected',
  'file_change', 'create_stream_hash', 'registry_add', 'registry_delete', 'registry_set', 'registry_rename', 'registry_event',
  'dns_query', 'pipe_created', 'process_termination', 'raw_access_thread', 'process_tampering', 'file_block_executable',
  'file_block_shredding', 'file_executable_detected', 'clipboard_capture'];
const threadSource = ['process_access', 'create_remote_thread'];
const fileTarget = ['file_event', 'file_delete', 'file_delete_detected', 'file_change', 'create_stream_hash', 'file_block_executable',
  'file_block_shredding', 'file_executable_detected'];
const moduleLoad = ['image_load', 'driver_load'];

/**
 * Winlogbeat 7+/Elastic Agent (ECS) → Sigma names: the inverse of pySigma's `ecs_windows`
 * pipeline. `winlog.event_data.*` is flattened first and wins; these paths only fill the Sigma
 * fields the ECS ingest pipelines moved out of `event_data` (the Sysmon module moves `Image`,
 * `CommandLine`, `TargetFilename`… into `process.*`, `file.*`, `registry.*`).
 */
export const ecsPipeline: readonly EcsFieldMapping[] = [
  // System part of the record.
  { path: 'winlog.channel', to: 'Channel' },
  { path: 'winlog.event_id', to: 'EventID' },
  { path: 'event.code', to: 'EventID' },
  { path: 'winlog.provider_name', to: 'Provider_Name' },
  { path: 'event.provider', to: 'Provider_Name' },
  { path: 'winlog.provider_guid', to: 'Provider_Guid' },
  { path: 'winlog.computer_name', to: 'Computer' },
  { path: 'host.name', to: 'Computer' },
  { path: 'winlog.record_id', to: 'EventRecordID' },
  { path: 'winlog.task', to: 'Task' },
  { path: 'winlog.opcode', to: 'Opcode' },
  { path: 'winlog.keywords', to: 'Keywords' },
  { path: 'winlog.process.pid', to: 'Execution_ProcessID' },
  { path: 'winlog.process.thread.id', to: 'Execution_ThreadID' },
  { path: 'winlog.user.identifier', to: 'Security_UserID' },

  // The acting process.
  { path: 'process.executable', to: 'Image', categories: processActor },
  { path: 'process.pid', to: 'ProcessId', categories: processActor },
  { path: 'process.entity_id', to: 'ProcessGuid', categories: processActor },
  { path: 'process.command_line', to: 'CommandLine', categories: ['process_creation'] },
  { path: 'process.working_directory', to: 'CurrentDirectory', categories: ['process_creation'] },
  { path: 'process.parent.executable', to: 'ParentImage', categories: ['process_creation'] },
  { path: 'process.parent.command_line', to: 'ParentCommandLine', categories: ['process_creation'] },
  { path: 'process.parent.pid', to: 'ParentProcessId', categories: ['process_creation'] },
  { path: 'process.parent.entity_id', to: 'ParentProcessGuid', categories: ['process_creation'] },
  { path: 'process.pe.original_file_name', to: 'OriginalFileName', categories: ['process_creation'] },
  { path: 'process.pe.description', to: 'Description', categories: ['process_creation'] },
  { path: 'process.pe.product', to: 'Product', categories: ['process_creation'] },
  { path: 'process.pe.company', to: 'Company', categories: ['process_creation'] },
  { path: 'process.pe.file_version', to: 'FileVersion', categories: ['process_creation'] },
  { path: 'process.pe.imphash', to: 'Imphash', categories: ['process_creation'] },
  { path: 'process.hash', to: 'Hashes', categories: ['process_creation'], convert: 'hashes' },
  { path: 'process.executable', to: 'SourceImage', categories: threadSource },
  { path: 'process.pid', to: 'SourceProcessId', categories: threadSource },
  { path: 'process.entity_id', to: 'SourceProcessGuid', categories: threadSource },
  { path: 'process.thread.id', to: 'SourceThreadId', categories: threadSource },
  { path: 'process.executable', to: 'Destination', categories: ['wmi_event'] },

  // What the process acted on.
  { path: 'file.path', to: 'TargetFilename', categories: fileTarget },
  { path: 'file.path', to: 'ImageLoaded', categories: moduleLoad },
  { path: 'file.path', to: 'Device', categories: ['raw_access_thread'] },
  { path: 'file.name', to: 'PipeName', categories: ['pipe_created'] },
  { path: 'file.pe.original_file_name', to: 'OriginalFileName', categories: moduleLoad },
  { path: 'file.pe.description', to: 'Description', categories: moduleLoad },
  { path: 'file.pe.product', to: 'Product', categories: moduleLoad },
  { path: 'file.pe.company', to: 'Company', categories: moduleLoad },
  { path: 'file.pe.file_version', to: 'FileVersion', categories: moduleLoad },
  { path: 'file.pe.imphash', to: 'Imphash', categories: moduleLoad },
  { path: 'file.hash', to: 'Hashes', categories: [...moduleLoad, 'file_event', 'create_stream_hash'], convert: 'hashes' },
  { path: 'file.code_signature.signed', to: 'Signed', categories: moduleLoad, convert: 'boolString' },
  { path: 'file.code_signature.subject_name', to: 'Signature', categories: moduleLoad },
  { path: 'file.code_signature.status', to: 'SignatureStatus', categories: moduleLoad },
  { path: 'registry.path', to: 'TargetObject', categories: ['registry_add', 'registry_delete', 'registry_set', 'registry_rename', 'registry_event'] },
  { path: 'registry.data.strings', to: 'Details', categories: ['registry_set', 'registry_event'], convert: 'first' },
  { path: 'dns.question.name', to: 'QueryName', categories: ['dns_query'] },
  { path: 'sysmon.dns.status', to: 'QueryStatus', categories: ['dns_query'] },
  { path: 'source.ip', to: 'SourceIp', categories: ['network_connection'] },
  { path: 'source.port', to: 'SourcePort', categories: ['network_connection'] },
  { path: 'source.domain', to: 'SourceHostname', categories: ['network_connection'] },
  { path: 'destination.ip', to: 'DestinationIp', categories: ['network_connection'] },
  { path: 'destination.port', to: 'DestinationPort', categories: ['network_connection'] },
  { path: 'destination.domain', to: 'DestinationHostname', categories: ['network_connection'] },
  { path: 'network.transport', to: 'Protocol', categories: ['network_connection'] },
  { path: 'network.direction', to: 'Initiated', categories: ['network_connection'], convert: 'ecsDirection' },
  { path: 'powershell.file.script_block_text', to: 'ScriptBlockText', categories: ['ps_script'] },
  { path: 'powershell.file.script_block_id', to: 'ScriptBlockId', categories: ['ps_script'] },
  { path: 'file.path', to: 'Path', categories: ['ps_script'] },

  // Who.
  { path: ['user.domain', 'user.name'], to: 'User', categories: processActor },
  { path: 'user.name', to: 'User', categories: processActor },
];
