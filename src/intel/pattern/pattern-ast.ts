/**
 * The syntax tree of a STIX 2.1 pattern (STIX 2.1 section 9). Produced by {@link parsePattern},
 * consumed by the validator, the observed-data matcher and the indicator index compiler.
 * Every node carries `offset` (0-based, in UTF-16 code units) so later phases can say where.
 */

/** A literal value as it appears in a pattern, decoded. */
export type PatternLiteral =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  /** `h'…'` and `b'…'` both decode to bytes; `encoding` keeps the spelling for messages. */
  | { kind: 'binary'; value: Uint8Array; encoding: 'hex' | 'base64' }
  /** `value` is the fixed-width form `YYYY-MM-DDTHH:MM:SS.ffffffZ`, ordered as a string. */
  | { kind: 'timestamp'; value: string; text: string };

/** One step of an object path after the object type: a key, a list index, or `[*]`. */
export type PathStep = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'any' };

export interface ObjectPath {
  objectType: string;
  /** The first component is always a key; the rest may be keys or indexes. */
  steps: PathStep[];
  offset: number;
}

export type ComparisonOperator = '=' | '!=' | '>' | '<' | '>=' | '<=' | 'IN' | 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET';

/** AND/OR of two comparisons (or of two observations): `offset` is the operator's. */
interface Join<K extends string, T> {
  kind: K;
  left: T;
  right: T;
  offset: number;
}

export type ComparisonExpression =
  | Join<'and', ComparisonExpression>
  | Join<'or', ComparisonExpression>
  | { kind: 'exists'; path: ObjectPath; negated: boolean; offset: number }
  | {
      kind: 'compare';
      path: ObjectPath;
      operator: ComparisonOperator;
      negated: boolean;
      /** One literal, or several for IN. */
      value: PatternLiteral | PatternLiteral[];
      /** Offset of the (first) literal, for messages about the value. */
      valueOffset: number;
      /** The literal (or set) as written, for inspection and messages. */
      valueText: string;
      offset: number;
    };

/** A qualifier; `text` is its canonical spelling (`WITHIN 10.3 SECONDS`). */
export type Qualifier =
  | { kind: 'within'; seconds: number; offset: number; text: string }
  | { kind: 'repeats'; times: number; offset: number; text: string }
  | { kind: 'startstop'; start: string; stop: string; offset: number; text: string };

export type ObservationExpression =
  | { kind: 'observation'; comparison: ComparisonExpression; offset: number }
  | Join<'and', ObservationExpression>
  | Join<'or', ObservationExpression>
  | Join<'followedby', ObservationExpression>
  | { kind: 'qualified'; inner: ObservationExpression; qualifier: Qualifier; offset: number }
  /** Parentheses are kept: the spec's duplicate-qualifier rule depends on them. */
  | { kind: 'group'; inner: ObservationExpression; offset: number };

/** A parsed pattern: the tree and the source text it came from. */
export interface PatternAst {
  source: string;
  root: ObservationExpression;
}
