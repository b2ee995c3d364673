import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import { detachString } from './detach-string.js';

/**
 * A YAML node with its 1-based position: the small tree the rule parser reads. Produced by the
 * fast Sigma YAML reader, or converted from the `yaml` package's nodes for anything it declines.
 */
export type YNode = YMap | YSeq | YScalar;

/** A scalar after YAML 1.2 core-schema resolution. `quoted` for '...' and "..." scalars. */
export interface YScalar {
  kind: 'scalar';
  value: string | number | boolean | null;
  quoted: boolean;
  line: number;
  column: number;
}

/** A sequence; its position is the first item's dash (or bracket). */
export interface YSeq {
  kind: 'seq';
  items: YNode[];
  line: number;
  column: number;
}

/** A mapping entry; keys are strings (Sigma keys always are). */
export interface YEntry {
  key: string;
  keyLine: number;
  keyColumn: number;
  value: YNode;
}

/** A mapping; its position is the first key's. */
export interface YMap {
  kind: 'map';
  entries: YEntry[];
  line: number;
  column: number;
}

/** Plain data of a node (maps → objects, sequences → arrays). */
export function yamlToJs(node: YNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(yamlToJs);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) {
        // `__proto__` would set the prototype with a plain assignment; keep it as data.
        if (e.key === '__proto__') Object.defineProperty(out, e.key, { value: yamlToJs(e.value), enumerable: true, writable: true, configurable: true });
        else out[e.key] = yamlToJs(e.value);
      }
      return out;
    }
  }
}

/** The value of the entry `key` of a map node, if any. */
export function entryOf(node: YNode | null | undefined, key: string): YNode | undefined {
  if (!node || node.kind !== 'map') return undefined;
  for (const e of node.entries) if (e.key === key) return e.value;
  return undefined;
}

/** Alias expansions allowed per document: a few suffice for any rule, a "billion laughs" needs millions. */
const maxAliasExpansions = 10_000;

/**
 * Converts a node of the `yaml` package. Values that are not plain data (dates with a custom
 * schema, binary, sets) become their string form; Sigma documents never use them. An alias
 * (`*name`) is replaced by a copy of its anchored node when `doc` is given, at most
 * {@link maxAliasExpansions} times per document (then it throws: the file fails to load).
 */
export function fromYamlPackage(node: unknown, lc: LineCounter, doc?: Document, budget = { aliases: 0 }): YNode {
  if (isAlias(node) && doc) {
    if (++budget.aliases > maxAliasExpansions) throw new Error(`more than ${maxAliasExpansions} YAML alias expansions in one document`);
    const target = node.resolve(doc);
    if (target === undefined) throw new Error(`YAML alias *${node.source} names no anchor`);
    return fromYamlPackage(target, lc, doc, budget);
  }
  const range = (node as { range?: [number, number, number] } | null)?.range;
  const pos = range ? lc.linePos(range[0]) : { line: 0, col: 0 };
  if (isMap(node)) {
    const entries: YEntry[] = [];
    for (const pair of node.items) {
      const keyRange = (pair.key as { range?: [number, number, number] } | null)?.range;
      const kp = keyRange ? lc.linePos(keyRange[0]) : pos;
      const key = detachString(isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
      entries.push({ key, keyLine: kp.line, keyColumn: kp.col, value: fromYamlPackage(pair.value, lc, doc, budget) });
    }
    return { kind: 'map', entries, line: pos.line, column: pos.col };
  }
  if (isSeq(node)) return { kind: 'seq', items: node.items.map((n) => fromYamlPackage(n, lc, doc, budget)), line: pos.line, column: pos.col };
  if (isScalar(node)) {
    const v = node.value;
    const value = typeof v === 'string' ? detachString(v) : v === null || typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    return { kind: 'scalar', value, quoted, line: pos.line, column: pos.col };
  }
  // A missing value (`key:` with nothing after it) is a null at the key's position.
  return { kind: 'scalar', value: null, quoted: false, line: pos.line, column: pos.col };
}
