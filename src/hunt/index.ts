/**
 * Public surface of hunting: reading event files, loading rule trees, running a detector over
 * files and formatting detections. Everything else under src/hunt is private to it.
 */
export { readEvents, readEventBatches, type ReadEventsOptions, type MalformedEvent, type ParsedChunk, type RawEventRecord } from './read-events.js';
export { JsonValueSplitter, type JsonValueText, type JsonSplitError } from './json-value-splitter.js';
export { evtxXmlToJson } from './evtx-xml-to-json.js';
export { eventTime } from './event-time.js';
export { listRuleFiles, loadRulePaths, type LoadedRules } from './rule-loader.js';
export { hunt, type HuntDetection, type HuntEngine, type HuntOptions, type HuntSummary } from './hunt.js';
export { csvColumns, csvField, csvHeader, formatCsv, formatJsonl, huntFormats, summaryRows, tableRow, type HuntFormat } from './detection-formatters.js';
export { isSigmaLevel, levelRank, sigmaLevels, type SigmaLevel } from './sigma-level.js';
export { huntFileName, huntInputs, type HuntInputs } from './hunt-inputs.js';
export { inTimeRange, parseTimeBound, type HuntTimeRange } from './hunt-time-range.js';
export { isSigmaStatus, ruleSelected, sigmaStatuses, type HuntRuleFilter } from './hunt-rule-filter.js';
export { autoThreads, bytesPerThread, huntInThreads, usefulThreads, type HuntInThreadsOptions } from './hunt-in-threads.js';
export { minPartBytes, planFileParts, possibleParts, type FilePart } from './file-parts.js';
export { HuntWorkers, type HuntWorkerListener } from './hunt-workers.js';
