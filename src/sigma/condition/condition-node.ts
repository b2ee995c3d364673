/** Parsed Sigma condition, with `x of y` already resolved to concrete search identifiers. */
export type ConditionNode =
  | { type: 'id'; name: string }
  | { type: 'and'; items: ConditionNode[] }
  | { type: 'or'; items: ConditionNode[] }
  | { type: 'not'; item: ConditionNode }
  /** At least `count` of `names` (count `'all'` = every one). */
  | { type: 'of'; count: number | 'all'; names: string[] };

/** A condition syntax error; `column` is 1-based inside the condition text. */
export class ConditionError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'ConditionError';
  }
}
