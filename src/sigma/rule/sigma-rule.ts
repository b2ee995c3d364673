import type { ConditionNode } from '../condition/condition-node.js';
import type { FieldTest } from '../modifiers/value-test.js';
import type { Logsource, RuleMeta } from '../sigma-types.js';

/**
 * One search identifier of `detection`: an OR of branches, each branch an AND of field tests.
 * A map gives one branch; a list of maps gives one branch per map; plain values are keywords.
 */
export interface SearchIdentifier {
  name: string;
  branches: FieldTest[][];
}

/** The parsed `detection` section: its search identifiers and the condition over them. */
export interface SigmaDetection {
  searches: Map<string, SearchIdentifier>;
  condition: ConditionNode;
}

/** A parsed Sigma detection rule. Attributes the engine does not use stay in `raw`. */
export interface SigmaRule {
  meta: RuleMeta;
  detection: SigmaDetection;
  /** The whole YAML document as plain data (fields, falsepositives, related, ...). */
  raw: Record<string, unknown>;
  path: string;
  /** 1-based line where the document starts. */
  line?: number;
}

/** A Sigma meta-filter: when its condition holds, matches of the named rules are dropped. */
export interface SigmaFilter {
  id: string;
  title: string;
  /** Ids or names of the rules it applies to. */
  rules: string[];
  logsource: Logsource;
  detection: SigmaDetection;
  path: string;
  line?: number;
}

/** A correlation document, parsed further by the correlation engine. */
export interface RawCorrelation {
  doc: Record<string, unknown>;
  path: string;
  /** 1-based line where the document starts, when known. */
  line?: number;
}
