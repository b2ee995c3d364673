import { isMap, isScalar, isSeq, type LineCounter, type Node, type YAMLMap } from 'yaml';
import { ConditionError, type ConditionNode } from '../condition/condition-node.js';
import { parseCondition } from '../condition/parse-condition.js';
import { buildFieldTest, type BuildOptions, type DetectionValue } from '../modifiers/build-field-test.js';
import type { FieldTest } from '../modifiers/value-test.js';
import type { SearchIdentifier, SigmaDetection } from './sigma-rule.js';

/** A detection error with its 1-based position in the file. */
export class DetectionError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'DetectionError';
  }
}

/** Position of a YAML node (1-based line/column), when it has a range. */
export function nodePosition(node: unknown, lc: LineCounter): { line?: number; column?: number } {
  const range = (node as Node | undefined)?.range;
  if (!range) return {};
  const p = lc.linePos(range[0]);
  return { line: p.line, column: p.col };
}

/**
 * Parses a `detection` YAML map (search identifiers + `condition`) into compiled field tests and
 * a condition tree. `timeframe` (Sigma v1) is ignored: windows belong to correlation rules.
 * @param skip keys that are not search identifiers (a filter's `rules`)
 * @throws DetectionError with the line and column of the offending node
 */
export function parseDetection(node: unknown, lc: LineCounter, opts: BuildOptions, skip: readonly string[] = []): SigmaDetection {
  if (!isMap(node)) throw new DetectionError('"detection" must be a map', ...at(node, lc));
  const searches = new Map<string, SearchIdentifier>();
  let conditionNode: Node | undefined;
  for (const pair of (node as YAMLMap).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined) throw new DetectionError('detection keys must be plain names', ...at(pair.key, lc));
    if (key === 'condition') conditionNode = pair.value as Node;
    else if (key === 'timeframe' || skip.includes(key)) continue;
    else searches.set(key, { name: key, branches: parseSearch(key, pair.value, lc, opts) });
  }
  if (!conditionNode) throw new DetectionError('"detection" has no "condition"', ...at(node, lc));
  return { searches, condition: parseConditions(conditionNode, [...searches.keys()], lc) };
}

function at(node: unknown, lc: LineCounter): [number | undefined, number | undefined] {
  const p = nodePosition(node, lc);
  return [p.line, p.column];
}

function parseConditions(node: Node, ids: string[], lc: LineCounter): ConditionNode {
  // A list of conditions means any of them (Sigma v1 style, still valid).
  const items = isSeq(node) ? node.items : [node];
  const parsed: ConditionNode[] = [];
  for (const item of items) {
    if (!isScalar(item) || typeof item.value !== 'string') {
      throw new DetectionError('"condition" must be a string or a list of strings', ...at(item, lc));
    }
    try {
      parsed.push(parseCondition(item.value, ids));
    } catch (e) {
      if (!(e instanceof ConditionError)) throw e;
      const [line, column] = at(item, lc);
      // Plain scalars start at their first character; quoted ones one later.
      const quoted = item.type === 'QUOTE_DOUBLE' || item.type === 'QUOTE_SINGLE' ? 1 : 0;
      const onOneLine = !item.value.includes('\n');
      throw new DetectionError(
        `condition: ${e.message} (column ${e.column} of the condition)`,
        line,
        column !== undefined && onOneLine ? column + quoted + e.column - 1 : column,
      );
    }
  }
  if (parsed.length === 0) throw new DetectionError('"condition" is empty', ...at(node, lc));
  return parsed.length === 1 ? parsed[0]! : { type: 'or', items: parsed };
}

function parseSearch(name: string, node: unknown, lc: LineCounter, opts: BuildOptions): FieldTest[][] {
  if (isMap(node)) return [parseMap(name, node as YAMLMap, lc, opts)];
  if (isSeq(node)) {
    if (node.items.length === 0) throw new DetectionError(`search identifier "${name}" is an empty list`, ...at(node, lc));
    const branches: FieldTest[][] = [];
    const keywords: DetectionValue[] = [];
    for (const item of node.items) {
      if (isMap(item)) branches.push(parseMap(name, item as YAMLMap, lc, opts));
      else keywords.push(scalarValue(name, item, lc));
    }
    if (keywords.length > 0) branches.push([located(buildOrThrow('', keywords, node, lc, opts), node, lc)]);
    return branches;
  }
  if (isScalar(node) && node.value !== null) {
    return [[located(buildOrThrow('', [scalarValue(name, node, lc)], node, lc, opts), node, lc)]];
  }
  throw new DetectionError(`search identifier "${name}" must be a map, a list or a keyword`, ...at(node, lc));
}

function parseMap(name: string, map: YAMLMap, lc: LineCounter, opts: BuildOptions): FieldTest[] {
  const tests: FieldTest[] = [];
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value ?? '') : undefined;
    if (key === undefined) throw new DetectionError(`"${name}": field names must be plain strings`, ...at(pair.key, lc));
    let values: DetectionValue[];
    if (isSeq(pair.value)) {
      values = pair.value.items.map((v) => scalarValue(`${name}.${key}`, v, lc));
      if (values.length === 0) throw new DetectionError(`"${name}.${key}" has an empty value list`, ...at(pair.value, lc));
    } else values = [pair.value == null ? null : scalarValue(`${name}.${key}`, pair.value, lc)];
    tests.push(located(buildOrThrow(key, values, pair.key, lc, opts), pair.key, lc));
  }
  if (tests.length === 0) throw new DetectionError(`search identifier "${name}" is an empty map`, ...at(map, lc));
  return tests;
}

function scalarValue(where: string, node: unknown, lc: LineCounter): DetectionValue {
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    if (typeof v === 'bigint') return v.toString();
  }
  throw new DetectionError(`"${where}": values must be strings, numbers, booleans or null`, ...at(node, lc));
}

function buildOrThrow(key: string, values: DetectionValue[], node: unknown, lc: LineCounter, opts: BuildOptions): FieldTest {
  try {
    return buildFieldTest(key, values, opts);
  } catch (e) {
    throw new DetectionError(`"${key || 'keywords'}": ${(e as Error).message}`, ...at(node, lc));
  }
}

function located(t: FieldTest, node: unknown, lc: LineCounter): FieldTest {
  const p = nodePosition(node, lc);
  if (p.line !== undefined) t.line = p.line;
  if (p.column !== undefined) t.column = p.column;
  return t;
}
