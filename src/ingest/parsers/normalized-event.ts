import type { EcsFields } from './ecs-fields.js';

/** Where a normalized event came from. */
export type SourceFormat = 'syslog5424' | 'syslog3164' | 'cef' | 'eve' | 'zeek' | 'windows' | 'json';

/** Sigma logsource, when the parser knows it (Zeek logs do; Windows is left to the pipeline). */
export interface EventLogsource {
  product?: string;
  category?: string;
  service?: string;
}

/**
 * The one output type of every ingest parser: the original record kept whole in `raw` (so rules
 * can match any source field), plus the ECS subset in `ecs` (flat dotted names).
 */
export interface NormalizedEvent {
  id?: string;
  /** Event time in ms since the epoch; the receive time when the record has none. */
  time: number;
  sourceFormat: SourceFormat;
  message?: string;
  raw: Record<string, unknown>;
  ecs: EcsFields;
  logsource?: EventLogsource;
}
