/**
 * Sigma field → source names to take it from when the event lacks it, first present wins. Used for
 * the system part of exporter layouts whose names differ from the evtx ones.
 */
export type FieldAliases = readonly (readonly [to: string, from: readonly string[]])[];

/** Fills each absent Sigma field of `fields` from the first present source in `source`. */
export function fillFields(fields: Record<string, unknown>, source: Record<string, unknown>, aliases: FieldAliases): void {
  for (const [to, from] of aliases) {
    if (fields[to] !== undefined) continue;
    for (const name of from) {
      const value = source[name];
      if (value !== undefined && value !== null && typeof value !== 'object') {
        fields[to] = value;
        break;
      }
    }
  }
}
