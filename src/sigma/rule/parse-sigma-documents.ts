import { LineCounter, parseAllDocuments } from 'yaml';
import type { BuildOptions } from '../modifiers/build-field-test.js';
import type { SigmaLoadError } from '../sigma-types.js';
import { parseYamlFast } from './fast-yaml.js';
import { DetectionError, parseDetection } from './parse-detection.js';
import { parseLogsource, parseRuleMeta } from './parse-rule-meta.js';
import type { RawCorrelation, SigmaFilter, SigmaRule } from './sigma-rule.js';
import { entryOf, fromYamlPackage, yamlToJs, type YMap, type YNode } from './yaml-node.js';

/** Options of {@link parseSigmaDocuments}. */
export interface ParseSigmaOptions extends BuildOptions {
  /**
   * false: leave each rule's `raw` empty. For callers that only compile the rules: turning every
   * document into plain data cost about a tenth of loading the SigmaHQ rules, and its garbage.
   */
  raw?: boolean;
}

const noRaw: Record<string, unknown> = Object.freeze({});

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
 * The fast Sigma YAML reader handles the usual rule layout; anything else goes through the full
 * `yaml` parser, which also gives the syntax errors their positions.
 * @param path file name used in errors and `RuleMeta.path`
 * @param opts placeholder values for the `expand` modifier; `raw: false` to skip `SigmaRule.raw`
 */
export function parseSigmaDocuments(text: string, path: string, opts: ParseSigmaOptions = {}): ParsedSigmaDocuments {
  const out: ParsedSigmaDocuments = { rules: [], correlations: [], filters: [], errors: [] };
  try {
    parseText(text, path, opts, out);
  } catch (e) {
    // Hostile input (e.g. nesting deep enough to exhaust the stack) must not take the load down.
    out.errors.push({ path, message: `cannot read the file: ${(e as Error).message}` });
  }
  return out;
}

function parseText(text: string, path: string, opts: ParseSigmaOptions, out: ParsedSigmaDocuments): void {
  const fast = parseYamlFast(text);
  if (fast) {
    for (const doc of fast) parseOne(doc, path, opts, out);
    return;
  }
  const lc = new LineCounter();
  for (const doc of parseAllDocuments(text, { lineCounter: lc, prettyErrors: false })) {
    const firstError = doc.errors[0];
    if (firstError) {
      const p = lc.linePos(firstError.pos[0]);
      out.errors.push({ path, line: p.line, column: p.col, message: `YAML: ${firstError.message.split('\n')[0]}` });
      continue;
    }
    parseOne(doc.contents === null ? null : fromYamlPackage(doc.contents, lc, doc), path, opts, out);
  }
}

// The top-level keys `parseRuleMeta` reads: only these become plain data while loading.
const metaKeys = new Set(['id', 'name', 'title', 'level', 'status', 'author', 'description', 'tags', 'references', 'logsource']);

function parseOne(doc: YNode | null, path: string, opts: ParseSigmaOptions, out: ParsedSigmaDocuments): void {
  if (doc === null || (doc.kind === 'scalar' && doc.value === null)) return; // empty document
  if (doc.kind !== 'map') {
    out.errors.push({ path, line: doc.line, column: doc.column, message: 'a Sigma document must be a YAML map' });
    return;
  }
  const start = doc.line;
  const has = (key: string): boolean => entryOf(doc, key) !== undefined;
  const id = entryOf(doc, 'id');
  const ruleId = id?.kind === 'scalar' && typeof id.value === 'string' ? id.value : undefined;
  const fail = (message: string, line?: number, column?: number): void => {
    const e: SigmaLoadError = { path, message };
    if (line !== undefined) e.line = line;
    if (column !== undefined) e.column = column;
    if (ruleId) e.ruleId = ruleId;
    out.errors.push(e);
  };
  if (has('correlation')) {
    out.correlations.push({ doc: yamlToJs(doc) as Record<string, unknown>, path, line: start });
    return;
  }
  const section = has('filter') ? 'filter' : has('detection') ? 'detection' : undefined;
  if (!section) return fail('document has neither "detection", "correlation" nor "filter"', start, 1);
  const title = entryOf(doc, 'title');
  if (title?.kind !== 'scalar' || typeof title.value !== 'string' || title.value === '') return fail('"title" is missing', start, 1);
  try {
    if (section === 'detection') {
      const logsource = entryOf(doc, 'logsource');
      if (logsource === undefined || logsource.kind === 'scalar') return fail('"logsource" is missing', start, 1);
      const detection = parseDetection(entryOf(doc, 'detection'), opts);
      const raw = opts.raw === false ? noRaw : (yamlToJs(doc) as Record<string, unknown>);
      out.rules.push({ meta: parseRuleMeta(metaFields(doc), path), detection, raw, path, line: start });
    } else {
      const raw = yamlToJs(doc) as Record<string, unknown>;
      const node = entryOf(doc, 'filter');
      const f = raw.filter as Record<string, unknown> | null;
      const rules = f && typeof f === 'object' ? f.rules : undefined;
      const list = (Array.isArray(rules) ? rules : [rules]).filter((r): r is string => typeof r === 'string');
      if (list.length === 0) return fail('"filter.rules" must name at least one rule', node?.line ?? start, node?.column ?? 1);
      const detection = parseDetection(node, opts, ['rules']);
      const filter: SigmaFilter = { id: ruleId ?? '', title: title.value, rules: list, logsource: parseLogsource(raw.logsource), detection, path, line: start };
      out.filters.push(filter);
    }
  } catch (e) {
    if (e instanceof DetectionError) return fail(e.message, e.line, e.column);
    return fail(`cannot compile the document: ${(e as Error).message}`, start, 1);
  }
}

/** The entries of `doc` that rule metadata is made of, as plain data. */
function metaFields(doc: YMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of doc.entries) if (metaKeys.has(e.key)) out[e.key] = yamlToJs(e.value);
  return out;
}
