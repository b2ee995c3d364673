import type { ChannelPipeline } from './pipeline-types.js';

/**
 * Sysmon: EventID → category, as the Sigma taxonomy appendix (Windows folder) defines it. Sysmon
 * field names ARE the Sigma names, so nothing is derived.
 */
export const sysmonPipeline: ChannelPipeline = {
  name: 'sysmon',
  channels: ['Microsoft-Windows-Sysmon/Operational'],
  events: {
    1: { category: 'process_creation' },
    2: { category: 'file_change' },
    3: { category: 'network_connection' },
    4: { category: 'sysmon_status' },
    5: { category: 'process_termination' },
    6: { category: 'driver_load' },
    7: { category: 'image_load' },
    8: { category: 'create_remote_thread' },
    9: { category: 'raw_access_thread' },
    10: { category: 'process_access' },
    11: { category: 'file_event' },
    // 12 holds key/value creation AND deletion; EventType tells them apart.
    12: {
      category: 'registry_event',
      categoryBy: {
        field: 'EventType',
        values: { CreateKey: 'registry_add', CreateValue: 'registry_add', DeleteKey: 'registry_delete', DeleteValue: 'registry_delete' },
      },
    },
    13: { category: 'registry_set' },
    14: { category: 'registry_rename' },
    15: { category: 'create_stream_hash' },
    16: { category: 'sysmon_status' },
    17: { category: 'pipe_created' },
    18: { category: 'pipe_created' },
    19: { category: 'wmi_event' },
    20: { category: 'wmi_event' },
    21: { category: 'wmi_event' },
    22: { category: 'dns_query' },
    23: { category: 'file_delete' },
    24: { category: 'clipboard_capture' },
    25: { category: 'process_tampering' },
    26: { category: 'file_delete_detected' },
    27: { category: 'file_block_executable' },
    28: { category: 'file_block_shredding' },
    29: { category: 'file_executable_detected' },
    255: { category: 'sysmon_error' },
  },
};
