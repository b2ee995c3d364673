/**
 * Public surface of the Sigma engine. Everything else under src/sigma is private to it.
 */
export type { Logsource, MatchedSelection, RuleMeta, SigmaEvent, SigmaLoadError, SigmaMatch } from './sigma-types.js';
export type { RawCorrelation, SearchIdentifier, SigmaDetection, SigmaFilter, SigmaRule } from './rule/sigma-rule.js';
export { parseSigmaDocuments, type ParsedSigmaDocuments } from './rule/parse-sigma-documents.js';
export { compileRuleSet, type CompileRuleSetInput, type RuleSet } from './compiler/compile-rule-set.js';
export { loadRuleTexts, type LoadedRuleTexts } from './load-rules.js';
export { loadErrorLocation } from './load-error-location.js';
export { normalizeEvent, normalizeEventInPlace, categoryAliases, serviceAliases, logsourceMatches, ruleCategoriesFor, ruleServicesFor, windowsLogsources } from './logsource/index.js';
export { parseCondition } from './condition/parse-condition.js';
export { ConditionError, type ConditionNode } from './condition/condition-node.js';
export { AhoCorasick } from './compiler/aho-corasick.js';
export { Detector, type DetectorOptions, type DetectorRuleSet, type Detection, type CorrelationDetail } from './detector.js';
export { parseCorrelation } from './correlation/parse-correlation.js';
export { parseTimespan } from './correlation/parse-timespan.js';
export { CorrelationEngine, type CorrelationEngineOptions, type CorrelationEngineStats } from './correlation/correlation-engine.js';
export type { CorrelationCondition, CorrelationRule, CorrelationType } from './correlation/correlation-rule.js';
