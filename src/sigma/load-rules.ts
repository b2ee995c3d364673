import { RuleSetBuilder, type RuleSet } from './compiler/compile-rule-set.js';
import { parseSigmaDocuments } from './rule/parse-sigma-documents.js';
import type { RawCorrelation, SigmaFilter, SigmaRule } from './rule/sigma-rule.js';
import type { SigmaLoadError } from './sigma-types.js';

/** Result of {@link loadRuleTexts}. */
export interface LoadedRuleTexts {
  ruleSet: RuleSet;
  correlations: RawCorrelation[];
  /** The parsed rules; empty when loaded with `keepRules: false`. */
  rules: SigmaRule[];
  filters: SigmaFilter[];
  errors: SigmaLoadError[];
}

/**
 * Parses and compiles already-read rule files (no I/O here) into one rule set. Every failing
 * document is reported in `errors` and skipped; correlation documents are returned untouched for
 * the correlation engine. `files` is consumed once, in order: a generator that reads each file
 * when asked keeps only one file's text alive at a time.
 * @example
 * const { ruleSet, correlations, errors } = loadRuleTexts([{ path: 'r.yml', text }]);
 */
export function loadRuleTexts(
  files: Iterable<{ path: string; text: string }>,
  opts: {
    placeholders?: Record<string, string[]>;
    /**
     * false: `rules` comes back empty, and each rule is compiled and dropped as soon as it is
     * parsed, which is what a caller that only wants the rule set should ask for (less memory).
     */
    keepRules?: boolean;
  } = {},
): LoadedRuleTexts {
  const rules: SigmaRule[] = [];
  const filters: SigmaFilter[] = [];
  const correlations: RawCorrelation[] = [];
  const errors: SigmaLoadError[] = [];
  const keep = opts.keepRules !== false;
  const parseOpts = { ...(opts.placeholders ? { placeholders: opts.placeholders } : {}), ...(keep ? {} : { raw: false }) };
  const builder = new RuleSetBuilder();
  for (const f of files) {
    const parsed = parseSigmaDocuments(f.text, f.path, parseOpts);
    for (const r of parsed.rules) {
      builder.add(r);
      if (keep) rules.push(r);
    }
    filters.push(...parsed.filters);
    correlations.push(...parsed.correlations);
    errors.push(...parsed.errors);
  }
  const ruleSet = builder.build(filters);
  errors.push(...builder.errors);
  return { ruleSet, correlations, rules, filters, errors };
}
