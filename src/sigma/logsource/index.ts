/**
 * Public surface of the logsource capability: event classification and field-mapping pipelines.
 *
 * Note for the rule router (core): `normalizeEvent` gives an event ONE category, the most specific
 * (Sysmon 13 → `registry_set`, Sysmon 12 → `registry_add` or `registry_delete` by `EventType`),
 * and always the channel's `service` too (Sysmon 1 → `{product: 'windows', service: 'sysmon',
 * category: 'process_creation'}`; Security 4688 → `service: 'security', category:
 * 'process_creation'`). A rule applies when every logsource field it sets equals the event's or
 * is an alias: route with `logsourceMatches(rule, event)`, or bucket rules by category and look up
 * `ruleCategoriesFor(event.category)` (which adds `registry_event` for the registry categories)
 * and `ruleServicesFor(event.service)`. Event logsource objects are shared and frozen: one object
 * per channel/EventID class, so a router may cache its rule bucket by object identity.
 * Field values keep their JSON types (numbers stay numbers; hex ids of Security logs stay text
 * except where a pipeline converts them); the unnamed `<Data>` strings of classic PowerShell
 * events are joined into one `Data` text, one per line.
 */
export { normalizeEvent, normalizeEventInPlace } from './normalize-event.js';
export { categoryAliases, serviceAliases, logsourceMatches, ruleCategoriesFor, ruleServicesFor } from './logsource-aliases.js';
export { classifyWindowsEvent, windowsLogsources, windowsPipelines, type WindowsClassification } from './windows-classifier.js';
export { windowsChannelServices, windowsProviderChannels } from './pipelines/windows-channel-services.js';
export { ecsPipeline } from './pipelines/ecs-pipeline.js';
export type { ChannelPipeline, EcsFieldMapping, EventClass, FieldDerivation, ValueConversion } from './pipelines/pipeline-types.js';
