import { LineCounter, isMap, parseAllDocuments, type Document } from 'yaml';
import type { BuildOptions } from '../modifiers/build-field-test.js';
import type { SigmaLoadError } from '../sigma-types.js';
import { DetectionError, nodePosition, parseDetection } from './parse-detection.js';
import { parseLogsource, parseRuleMeta } from './parse-rule-meta.js';
import type { RawCorrelation, SigmaFilter, SigmaRule } from './sigma-rule.js';

/** What one YAML text holds, sorted by document kind, plus every document that failed. */
export interface ParsedSigmaDocuments {
  rules: SigmaRule[];
  correlations: RawCorrelation[];
  filters: SigmaFilter[];
  errors: SigmaLoadError[];
}

/**
 * Splits a multi-document YAML text into detection rules, correlation documents and filters.
 * A bad document (YAML error, missing detection/condition, unknown modifier, bad condition)
 * becomes a {@link SigmaLoadError} with path, line, column and rule id; the others still load.
 * @param path file name used in errors and `RuleMeta.path`
 * @param opts placeholder values for the `expand` modifier
 */
export function parseSigmaDocuments(text: string, path: string, opts: BuildOptions = {}): ParsedSigmaDocuments {
  const out: ParsedSigmaDocuments = { rules: [], correlations: [], filters: [], errors: [] };
  const lc = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false }) as Document.Parsed[];
  } catch (e) {
    out.errors.push({ path, message: `YAML: ${(e as Error).message}` });
    return out;
  }
  if (!Array.isArray(docs)) docs = [];
  for (const doc of docs) parseOne(doc, path, lc, opts, out);
  return out;
}

function parseOne(doc: Document.Parsed, path: string, lc: LineCounter, opts: BuildOptions, out: ParsedSigmaDocuments): void {
  const startNode = (doc.contents as { range?: [number, number, number] } | null)?.range;
  const start = startNode ? lc.linePos(startNode[0]).line : undefined;
  const firstError = doc.errors[0];
  if (firstError) {
    const p = lc.linePos(firstError.pos[0]);
    out.errors.push({ path, line: p.line, column: p.col, message: `YAML: ${firstError.message.split('\n')[0]}` });
    return;
  }
  if (doc.contents === null) return; // empty document (e.g. a trailing `---`)
  if (!isMap(doc.contents)) {
    out.errors.push({ path, ...nodePosition(doc.contents, lc), message: 'a Sigma document must be a YAML map' });
    return;
  }
  const raw = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  const ruleId = typeof raw.id === 'string' ? raw.id : undefined;
  const fail = (message: string, line?: number, column?: number): void => {
    const e: SigmaLoadError = { path, message };
    if (line !== undefined) e.line = line;
    if (column !== undefined) e.column = column;
    if (ruleId) e.ruleId = ruleId;
    out.errors.push(e);
  };
  const withStart = <T extends object>(o: T): T => (start === undefined ? o : { ...o, line: start });
  if ('correlation' in raw) {
    out.correlations.push(withStart({ doc: raw, path }));
    return;
  }
  const section = 'filter' in raw ? 'filter' : 'detection' in raw ? 'detection' : undefined;
  if (!section) return fail('document has neither "detection", "correlation" nor "filter"', start, 1);
  if (typeof raw.title !== 'string' || raw.title === '') return fail('"title" is missing', start, 1);
  try {
    if (section === 'detection') {
      if (!raw.logsource || typeof raw.logsource !== 'object') return fail('"logsource" is missing', start, 1);
      const detection = parseDetection(doc.get('detection', true), lc, opts);
      out.rules.push(withStart({ meta: parseRuleMeta(raw, path), detection, raw, path }));
    } else {
      const node = doc.get('filter', true);
      const f = raw.filter as Record<string, unknown> | null;
      const rules = f && typeof f === 'object' ? f.rules : undefined;
      const list = (Array.isArray(rules) ? rules : [rules]).filter((r): r is string => typeof r === 'string');
      if (list.length === 0) return fail('"filter.rules" must name at least one rule', ...pos(node, lc));
      const detection = parseDetection(node, lc, opts, ['rules']);
      out.filters.push(
        withStart({ id: ruleId ?? '', title: raw.title, rules: list, logsource: parseLogsource(raw.logsource), detection, path }),
      );
    }
  } catch (e) {
    if (e instanceof DetectionError) return fail(e.message, e.line, e.column);
    throw e;
  }
}

function pos(node: unknown, lc: LineCounter): [number | undefined, number | undefined] {
  const p = nodePosition(node, lc);
  return [p.line, p.column];
}
