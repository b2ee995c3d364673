/**
 * The intel capability's public surface for the server, the CLI and the pipeline. The libraries
 * below it (stix/, tlp/, pattern/, match/, misp/) have their own index files.
 */
export { IntelService, type ExportFormat, type ImportResult, type ImportAcceptance, type ImportRejection, type IndicatorSearch, type IntelServiceDeps } from './intel-service.js';
export { IndicatorBroadcast, type IndicatorUpdate, type BroadcastIndicator } from './service/indicator-broadcast.js';
export { IntelDetection, type IntelDetectionDeps, type IntelAlertedEvent, type IntelSink } from './service/intel-detection.js';
export { IntelMatcher, type IntelHit, type IntelSync, type IntelSyncResult } from './service/intel-matcher.js';
export { SightingThreshold, type SightingThresholdOptions } from './service/sighting-threshold.js';
export { buildSimpleIndicator, type SimpleIndicatorInput } from './service/simple-indicator.js';
export { indicatorValueTypes, extractIndicatorValues, type IndicatorValueType } from './service/indicator-values.js';
export type { IndicatorView } from './service/indicator-view.js';
export { TLP_LEVELS as tlpLevels, type Recipient, type TlpLevel } from './tlp/index.js';
