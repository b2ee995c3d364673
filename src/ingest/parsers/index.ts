/**
 * Public surface of the pure ingest parsers: framing, syslog, CEF, Suricata EVE, Zeek and
 * Windows normalization into one {@link NormalizedEvent} type. No I/O here; listeners and the
 * pipeline (src/ingest/) feed bytes and objects in and publish what comes out.
 */
export { SyslogFramer, type SyslogFrame, type SyslogFramerOptions, type FramingMethod } from './syslog-framing.js';
export { parseSyslog, type SyslogMessage, type SyslogParseOptions, type SyslogStructuredElement } from './syslog-parser.js';
export { parseSyslogEvent } from './syslog-event.js';
export { facilityNames, severityNames } from './syslog-names.js';
export { parseCef, findCef, type CefRecord } from './cef-parser.js';
export { parseCefTime } from './cef-time.js';
export { cefToEvent } from './cef-event.js';
export { parseEve } from './eve-parser.js';
export { parseZeek, detectZeekLogType } from './zeek-parser.js';
export { normalizeWindows } from './windows-normalizer.js';
export { detectWindowsLayout, type WindowsLayout } from './windows-layout.js';
export { detectFormat, parseEvent, type ParseEventOptions } from './normalize.js';
export type { NormalizedEvent, SourceFormat, EventLogsource } from './normalized-event.js';
export { assignDefined, toEcsDocument, type EcsFields } from './ecs-fields.js';
export { parseIsoTime } from './timestamps.js';
export { splitLineRecords, countLineRecords, lineAt, lineText, asBuffer, invalidUtf8Offset, type LineRecords, type LineRecordError } from './line-records.js';
export type { IngestError, IngestErrorCode, ParseResult } from './parse-result.js';
