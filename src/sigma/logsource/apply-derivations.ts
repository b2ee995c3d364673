import { convertValue } from './convert-value.js';
import type { FieldDerivation } from './pipelines/pipeline-types.js';

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

/**
 * Adds a pipeline's derived fields to an event, in order; each derivation reads the fields as the
 * ones before it left them (so 4688 copies `ProcessId` to `ParentProcessId` before overwriting
 * it). A derived field whose sources are absent is left out.
 */
export function applyDerivations(fields: Record<string, unknown>, derivations: readonly FieldDerivation[]): void {
  for (const d of derivations) {
    if (!d.overwrite && fields[d.to] !== undefined) continue;
    let value: unknown;
    if (typeof d.from === 'string') value = fields[d.from];
    else if (d.convert === 'account') value = d.from.map((name) => fields[name]);
    else if (d.join) {
      const parts: string[] = [];
      for (const name of d.from) {
        const v = fields[name];
        if (!present(v) || typeof v === 'object') break;
        parts.push(String(v));
      }
      value = parts.length === d.from.length ? parts.join('\\') : undefined;
    } else {
      for (const name of d.from) {
        if (present(fields[name])) {
          value = fields[name];
          break;
        }
      }
    }
    const converted = convertValue(d.convert ?? 'copy', value);
    if (converted !== undefined) fields[d.to] = converted;
  }
}
