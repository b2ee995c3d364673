import { convertValue } from './convert-value.js';
import { copyEventData } from './copy-event-data.js';
import { foldFieldName } from './field-name-folder.js';
import { ecsPipeline } from './pipelines/ecs-pipeline.js';
import type { ValueConversion } from './pipelines/pipeline-types.js';

interface CompiledEcsMapping {
  /** Each path pre-split into its segments; several are joined with a backslash. */
  paths: readonly (readonly [dotted: string, parts: readonly string[]])[];
  to: string;
  convert: ValueConversion;
}

const always: CompiledEcsMapping[] = [];
const byCategory = new Map<string, CompiledEcsMapping[]>();
for (const m of ecsPipeline) {
  const paths = (typeof m.path === 'string' ? [m.path] : m.path).map((p) => [p, p.split('.')] as const);
  const compiled: CompiledEcsMapping = { paths, to: m.to, convert: m.convert ?? 'copy' };
  if (!m.categories) always.push(compiled);
  else for (const c of m.categories) byCategory.set(c, [...(byCategory.get(c) ?? []), compiled]);
}

/** A value by ECS path: one dotted key (`"process.executable": …`) or nested objects. */
function readPath(raw: Record<string, unknown>, dotted: string, parts: readonly string[]): unknown {
  const flat = raw[dotted];
  if (flat !== undefined) return flat;
  let cur: unknown = raw;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function apply(fields: Record<string, unknown>, raw: Record<string, unknown>, mappings: readonly CompiledEcsMapping[]): void {
  for (const m of mappings) {
    if (fields[m.to] !== undefined) continue;
    let value: unknown;
    if (m.paths.length === 1) {
      const [dotted, parts] = m.paths[0]!;
      value = readPath(raw, dotted, parts);
    } else {
      const values: string[] = [];
      for (const [dotted, parts] of m.paths) {
        const v = readPath(raw, dotted, parts);
        if (v === undefined || v === null || typeof v === 'object') break;
        values.push(String(v));
      }
      value = values.length === m.paths.length ? values.join('\\') : undefined;
    }
    const converted = convertValue(m.convert, value);
    if (converted !== undefined) fields[m.to] = converted;
  }
}

/** Whether a record is ECS-shaped Windows data (Winlogbeat 7+, Elastic Agent), nested or with dotted keys. */
export function isEcsWindowsEvent(raw: Record<string, unknown>): boolean {
  const winlog = raw['winlog'];
  return (winlog !== null && typeof winlog === 'object') || raw['winlog.channel'] !== undefined || raw['winlog.event_id'] !== undefined;
}

/**
 * Flattens an ECS Windows record: `winlog.event_data.*` and `winlog.user_data.*` by name, then
 * the system fields (`winlog.channel` → `Channel`, `winlog.event_id`/`event.code` → `EventID`…).
 * The category-dependent ECS fields come later, from {@link applyEcsCategoryMappings}, once the
 * event is classified.
 */
export function flattenEcsEvent(raw: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const winlog = raw['winlog'];
  if (winlog !== null && typeof winlog === 'object') {
    copyEventData(fields, (winlog as Record<string, unknown>)['event_data']);
    copyEventData(fields, (winlog as Record<string, unknown>)['user_data'], false);
  } else {
    for (const key in raw) {
      if (key.startsWith('winlog.event_data.')) fields[foldFieldName(key.slice(18))] = raw[key];
      else if (key.startsWith('winlog.user_data.') && fields[foldFieldName(key.slice(17))] === undefined) fields[foldFieldName(key.slice(17))] = raw[key];
    }
  }
  delete fields['xml_name'];
  apply(fields, raw, always);
  return fields;
}

/** Fills the Sigma fields of `category` that the ECS ingest moved out of `event_data`. */
export function applyEcsCategoryMappings(fields: Record<string, unknown>, raw: Record<string, unknown>, category: string | undefined): void {
  if (category === undefined) return;
  const mappings = byCategory.get(category);
  if (mappings) apply(fields, raw, mappings);
}
