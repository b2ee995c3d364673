/**
 * Public surface of indicator matching (pure: no I/O). The detection workers hold one
 * {@link IndicatorIndex} and call `matchEvent` per normalized event.
 */
export { IndicatorIndex, type AddOutcome, type IndicatorInput, type IndicatorMatch, type IndicatorMatchPart, type ObservableType } from './indicator-index.js';
export { eventObservation, type IndicatorEvent } from './event-observation.js';
export { scoEcsFields, type ScoEcsField } from './sco-ecs-fields.js';
