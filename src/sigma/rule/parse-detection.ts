import { ConditionError, type ConditionNode } from '../condition/condition-node.js';
import { parseCondition } from '../condition/parse-condition.js';
import { buildFieldTest, type BuildOptions, type DetectionValue } from '../modifiers/build-field-test.js';
import type { FieldTest } from '../modifiers/value-test.js';
import type { SearchIdentifier, SigmaDetection } from './sigma-rule.js';
import type { YMap, YNode } from './yaml-node.js';

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

/**
 * Parses a `detection` YAML map (search identifiers + `condition`) into compiled field tests and
 * a condition tree. `timeframe` (Sigma v1) is ignored: windows belong to correlation rules.
 * @param skip keys that are not search identifiers (a filter's `rules`)
 * @throws DetectionError with the line and column of the offending node
 */
export function parseDetection(node: YNode | undefined, opts: BuildOptions, skip: readonly string[] = []): SigmaDetection {
  if (!node || node.kind !== 'map') throw new DetectionError('"detection" must be a map', node?.line, node?.column);
  const searches = new Map<string, SearchIdentifier>();
  let conditionNode: YNode | undefined;
  for (const e of node.entries) {
    if (e.key === 'condition') conditionNode = e.value;
    else if (e.key === 'timeframe' || skip.includes(e.key)) continue;
    else searches.set(e.key, { name: e.key, branches: parseSearch(e.key, e.value, opts) });
  }
  if (!conditionNode) throw new DetectionError('"detection" has no "condition"', node.line, node.column);
  return { searches, condition: parseConditions(conditionNode, [...searches.keys()]) };
}

function parseConditions(node: YNode, ids: string[]): ConditionNode {
  // A list of conditions means any of them (Sigma v1 style, still valid).
  const items = node.kind === 'seq' ? node.items : [node];
  const parsed: ConditionNode[] = [];
  for (const item of items) {
    if (item.kind !== 'scalar' || typeof item.value !== 'string') {
      throw new DetectionError('"condition" must be a string or a list of strings', item.line, item.column);
    }
    try {
      parsed.push(parseCondition(item.value, ids));
    } catch (e) {
      if (!(e instanceof ConditionError)) throw e;
      // Plain scalars start at their first character; quoted ones one later.
      const onOneLine = !item.value.includes('\n');
      throw new DetectionError(
        `condition: ${e.message} (column ${e.column} of the condition)`,
        item.line,
        onOneLine ? item.column + (item.quoted ? 1 : 0) + e.column - 1 : item.column,
      );
    }
  }
  if (parsed.length === 0) throw new DetectionError('"condition" is empty', node.line, node.column);
  return parsed.length === 1 ? parsed[0]! : { type: 'or', items: parsed };
}

function parseSearch(name: string, node: YNode, opts: BuildOptions): FieldTest[][] {
  if (node.kind === 'map') return [parseMap(name, node, opts)];
  if (node.kind === 'seq') {
    if (node.items.length === 0) throw new DetectionError(`search identifier "${name}" is an empty list`, node.line, node.column);
    const branches: FieldTest[][] = [];
    const keywords: DetectionValue[] = [];
    for (const item of node.items) {
      if (item.kind === 'map') branches.push(parseMap(name, item, opts));
      else keywords.push(scalarValue(name, item));
    }
    if (keywords.length > 0) branches.push([buildAt('', keywords, node.line, node.column, opts)]);
    return branches.slice(); // exact size: these arrays live as long as the rule set
  }
  if (node.value !== null) return [[buildAt('', [scalarValue(name, node)], node.line, node.column, opts)]];
  throw new DetectionError(`search identifier "${name}" must be a map, a list or a keyword`, node.line, node.column);
}

function parseMap(name: string, map: YMap, opts: BuildOptions): FieldTest[] {
  const tests: FieldTest[] = [];
  for (const e of map.entries) {
    let values: DetectionValue[];
    if (e.value.kind === 'seq') {
      values = e.value.items.map((v) => scalarValue(`${name}.${e.key}`, v));
      if (values.length === 0) throw new DetectionError(`"${name}.${e.key}" has an empty value list`, e.value.line, e.value.column);
    } else values = [scalarValue(`${name}.${e.key}`, e.value)];
    tests.push(buildAt(e.key, values, e.keyLine, e.keyColumn, opts));
  }
  if (tests.length === 0) throw new DetectionError(`search identifier "${name}" is an empty map`, map.line, map.column);
  return tests.slice(); // exact size: `push` over-allocates and these arrays live as long as the rule set
}

function scalarValue(where: string, node: YNode): DetectionValue {
  if (node.kind === 'scalar') return node.value;
  throw new DetectionError(`"${where}": values must be strings, numbers, booleans or null`, node.line, node.column);
}

function buildAt(key: string, values: DetectionValue[], line: number, column: number, opts: BuildOptions): FieldTest {
  try {
    const t = buildFieldTest(key, values, opts);
    t.line = line;
    t.column = column;
    return t;
  } catch (e) {
    throw new DetectionError(`"${key || 'keywords'}": ${(e as Error).message}`, line, column);
  }
}
