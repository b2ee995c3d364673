import { parseSigmaDocuments } from '../rule/parse-sigma-documents.js';
import { compileDetection, type CompiledRule } from './compile-rule.js';

/**
 * Test support for the compiler's parts that take compiled rules (buckets, gates): the rules of
 * a multi-document YAML text, compiled without filters, in their order. Throws on any parse error,
 * so a typo in a test's rule cannot pass for a rule that matches nothing.
 */
export function compileTestRules(text: string, path = 'rules.yml'): CompiledRule[] {
  const parsed = parseSigmaDocuments(text, path);
  if (parsed.errors.length > 0) throw new Error(`${path}: ${parsed.errors.map((e) => e.message).join('; ')}`);
  return parsed.rules.map((r, order) => ({ meta: r.meta, detection: r.detection, order, matches: compileDetection(r.detection), filters: [] }));
}
