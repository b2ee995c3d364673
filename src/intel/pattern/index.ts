/**
 * Public surface of the STIX 2.1 pattern library (pure: no I/O). Parse and validate patterns,
 * evaluate them on observed-data, and reuse the comparison evaluator on any set of SCOs.
 */
export type { ComparisonExpression, ComparisonOperator, ObjectPath, ObservationExpression, PathStep, PatternAst, PatternLiteral, Qualifier } from './pattern-ast.js';
export { PatternError, positionOf, type PatternErrorPhase, type PatternPosition } from './pattern-error.js';
export { parsePattern } from './pattern-parser.js';
export { validatePattern, type ValidatedPattern } from './validate-pattern.js';
export { ComparisonEvaluator, selectPath, type ObservationScope } from './evaluate-comparison.js';
export { EvaluationError } from './compare-values.js';
export { parseCidr, parseDottedQuad, parseIpv6Words, cidrContains, wordMask, type Cidr } from './ip-cidr.js';
export { normalizeTimestamp } from './pattern-literals.js';
export { matchObservedData, type ObservedDataMatch, type MatchObservedDataOptions } from './match-observed-data.js';
export { firstBinding, bindingWidth, type TimedObservation, type ObservationLeaf } from './bind-observations.js';
export { inspectPattern, type PatternInspection, type InspectedComparison } from './inspect-pattern.js';
