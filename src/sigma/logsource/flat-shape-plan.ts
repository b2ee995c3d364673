import { foldFieldName } from './field-name-folder.js';
import { flatSystemAliases } from './flat-system-aliases.js';
import { flattenFlatEvent } from './flatten-flat-event.js';

/**
 * What {@link flattenFlatEvent} does to every flat record of one key sequence ("shape"), compiled
 * once: `build` makes the fields object straight from the record's values (in key order), with the
 * same keys in the same order and the same values as a copy passed through `flattenFlatEvent`
 * (before `recoverSysmonEventType`, which still reads the result).
 *
 * A plan holds only while the values that steer `flattenFlatEvent` look as they did when it was
 * compiled: `FlatShapePlans.lookup` checks `guard` and `dataIndex` before it returns one.
 * (Putting those checks into the generated code measured no faster: 1.005–1.07× the time.)
 */
export interface FlatShapePlan {
  /** The fields object; `values` are the record's values in its key order. */
  build: (values: readonly unknown[]) => Record<string, unknown>;
  /** Value indexes of the fields `EventID`, `Channel` and `Provider_Name`, or -1 when absent. */
  eventIdIndex: number;
  channelIndex: number;
  providerIndex: number;
  /**
   * Value indexes of the system-field sources (`SourceName`, `hostname`…), whose usability (a
   * scalar) decides which system fields are filled, and the usability each had (bit i for guard i).
   */
  guard: readonly number[];
  usableMask: number;
  /** Value index of the field `EventData`, which must not be a string (that is parsed), or -1. */
  dataIndex: number;
}

/** Keys that route a record to another layout, or that the flat path treats by value. */
const layoutKeys = new Set(['Event', 'winlog', 'winlog.channel', 'winlog.event_id', 'event_data', 'log_name', 'logsource']);
const systemNames = new Set(flatSystemAliases.flatMap(([to, from]) => [to, ...from]));
const arrayIndex = /^(?:0|[1-9]\d*)$/;
/** Plans are code: a record with more keys than this stays on the general path. */
export const maxPlanKeys = 128;

let codegen = true;

/**
 * Whether `raw` has a key of another layout (evtx_dump, ECS, Winlogbeat 6) or an explicit
 * `logsource`: one look per key, where remembering its key sequence would cost a join.
 */
export function isOtherLayout(raw: Record<string, unknown>): boolean {
  for (const key of layoutKeys) if (raw[key] !== undefined) return true;
  return false;
}

/** Whether `flattenFlatEvent` treats value `v` as a usable system-field source (a scalar). */
export function usable(v: unknown): boolean {
  return v !== undefined && v !== null && typeof v !== 'object';
}

/**
 * Compiles the plan of `raw`'s shape by running {@link flattenFlatEvent} once on a probe: the same
 * keys, each value replaced by a unique token of the same usability (a string for a scalar, an
 * object otherwise), so where each output value came from can be read back. Returns null for the
 * shapes the flat path does not handle by shape alone (other layouts, an explicit `logsource`,
 * an `EventData` string to parse, `__proto__` or array-index keys, too many keys), or when the
 * runtime forbids code generation (`--disallow-code-generation-from-strings`).
 */
export function compileFlatShapePlan(raw: Record<string, unknown>): FlatShapePlan | null {
  if (!codegen) return null;
  const probe: Record<string, unknown> = {};
  const source = new Map<unknown, number>();
  const guard: number[] = [];
  let usableMask = 0;
  let n = 0;
  for (const key in raw) {
    if (n >= maxPlanKeys || key === '__proto__' || layoutKeys.has(key) || arrayIndex.test(key)) return null;
    const value = raw[key];
    if (value === undefined) return null;
    const token = usable(value) ? `\u0000probe ${n}` : { probe: n };
    probe[key] = token;
    source.set(token, n);
    if (systemNames.has(key) || systemNames.has(foldFieldName(key))) {
      if (guard.length >= 31) return null;
      if (usable(value)) usableMask |= 1 << guard.length;
      guard.push(n);
    }
    n++;
  }
  const out = flattenFlatEvent(probe);
  const keys: string[] = [];
  const from: number[] = [];
  for (const key in out) {
    const i = source.get(out[key]);
    if (i === undefined || key === '__proto__' || arrayIndex.test(key)) return null;
    keys.push(key);
    from.push(i);
  }
  const indexOf = (name: string) => {
    const k = keys.indexOf(name);
    return k < 0 ? -1 : from[k]!;
  };
  const dataIndex = indexOf('EventData');
  if (dataIndex >= 0 && typeof Object.values(raw)[dataIndex] === 'string') return null;
  // One object literal per shape: its properties are made in place from the literal's boilerplate
  // (no transitions, fast properties), and its loads see one array. JSON.stringify makes each key a
  // valid string literal whatever it holds.
  const body = `return {${keys.map((k, j) => `${JSON.stringify(k)}: v[${from[j]}]`).join(', ')}};`;
  let build: FlatShapePlan['build'];
  try {
    build = new Function('v', body) as FlatShapePlan['build'];
  } catch {
    codegen = false;
    return null;
  }
  return { build, eventIdIndex: indexOf('EventID'), channelIndex: indexOf('Channel'), providerIndex: indexOf('Provider_Name'), guard, usableMask, dataIndex };
}
