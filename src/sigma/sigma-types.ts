/**
 * Shared types of the Sigma engine: the contract between the rule parser/compiler, the logsource
 * classification, the correlation engine and the hunt/ingest callers. Pure data, no behaviour.
 */

/** Sigma logsource triple (plus `definition`, which is informational). All lower-case. */
export interface Logsource {
  product?: string;
  category?: string;
  service?: string;
}

/** Rule metadata carried on every alert. `author` is mandatory on alerts (DRL 1.1). */
export interface RuleMeta {
  id: string;
  /** Sigma v2 `name` (used by correlation rules and filters to refer to a rule), if any. */
  name?: string;
  title: string;
  level: string;
  status: string;
  author: string;
  description: string;
  tags: string[];
  references: string[];
  logsource: Logsource;
  /** File the rule came from, relative to the loaded root, when known. */
  path?: string;
}

/** Which part of a rule matched. */
export interface MatchedSelection {
  /** Search identifier in `detection` (e.g. `selection_img`), or `keywords`. */
  selection: string;
  /** Field names whose values satisfied the selection (empty for keyword searches). */
  fields: string[];
}

/** A rule matching one event. */
export interface SigmaMatch {
  rule: RuleMeta;
  matched: MatchedSelection[];
}

/**
 * An event as the engine sees it: a flat-or-nested record of Sigma field names (after field
 * mapping) and its classified logsource.
 */
export interface SigmaEvent {
  fields: Record<string, unknown>;
  logsource: Logsource;
}

/** A rule or correlation that could not be loaded; never aborts a load. */
export interface SigmaLoadError {
  /** File (or source label) the document came from. */
  path: string;
  /** 1-based line and column of the offending node, when known. */
  line?: number;
  column?: number;
  /** Rule id when it could be read. */
  ruleId?: string;
  message: string;
}
