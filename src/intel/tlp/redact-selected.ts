import { parseSelector, type SelectorStep } from '../stix/granular-selector.js';

/**
 * Keys a nested STIX structure cannot lose (external reference, kill-chain phase, granular
 * marking): when one is redacted the whole element goes, since half of it would be invalid.
 */
const NESTED_REQUIRED = new Set(['source_name', 'kill_chain_name', 'phase_name', 'selectors']);

/** An external reference must keep one of these besides its source_name (STIX 2.1 §2.5). */
const REFERENCE_CONTENT = ['description', 'url', 'external_id'];

const REMOVED = Symbol('removed');

/**
 * A copy of `object` without the content the selectors name (STIX 2.1 §7.2.3.1 selectors).
 * List elements after a removed one move up, so the remaining granular markings are re-pointed
 * at their content's new index, and markings whose content is gone are dropped. Containers left
 * empty are dropped too (STIX lists and dictionaries must not be empty). `removed` lists the
 * top-level properties that no longer exist, so the caller can withhold an object that lost a
 * required one.
 */
export function redactSelected(object: Record<string, unknown>, selectors: readonly string[]): { object: Record<string, unknown>; removed: Set<string> } {
  const cut = new Set<string>();
  const onPath = new Set<string>();
  for (const s of selectors) {
    // An unparseable selector cannot be honoured, so the property it starts with goes.
    const steps = parseSelector(s) ?? [s.split('.')[0] ?? s];
    cut.add(keyOf(steps));
    for (let i = 0; i < steps.length; i++) onPath.add(keyOf(steps.slice(0, i)));
  }
  const indexMaps = new Map<string, (number | undefined)[]>();
  const pruned = prune(object, [], { cut, onPath, indexMaps }) as Record<string, unknown> | typeof REMOVED;
  const out: Record<string, unknown> = pruned === REMOVED ? {} : pruned;

  if (Array.isArray(out.granular_markings)) {
    const kept = [];
    for (const g of out.granular_markings as { selectors?: unknown }[]) {
      if (!Array.isArray(g.selectors)) continue;
      const remapped = g.selectors
        .map((s) => (typeof s === 'string' ? remapSelector(s, out, indexMaps) : undefined))
        .filter((s): s is string => s !== undefined);
      if (remapped.length > 0) kept.push({ ...g, selectors: remapped });
    }
    if (kept.length > 0) out.granular_markings = kept;
    else delete out.granular_markings;
  }
  const removed = new Set(Object.keys(object).filter((k) => !Object.hasOwn(out, k)));
  return { object: out, removed };
}

interface Cuts {
  cut: Set<string>;
  /** Paths that lead to a cut: only these are copied, the rest is shared as it is. */
  onPath: Set<string>;
  indexMaps: Map<string, (number | undefined)[]>;
}

/**
 * Copies only along the paths that lead to removed content, so the work (and the recursion depth)
 * is bounded by the selectors, not by how deeply a peer nested its custom properties. Untouched
 * subtrees are shared with the original: callers must not mutate what they release.
 */
function prune(value: unknown, path: SelectorStep[], cuts: Cuts): unknown {
  const { cut, onPath, indexMaps } = cuts;
  if (!onPath.has(keyOf(path))) return value;
  // Granular markings are re-pointed afterwards, not redacted: they name content, they are not content.
  if (path.length === 1 && path[0] === 'granular_markings') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    const map: (number | undefined)[] = [];
    value.forEach((item, i) => {
      const child = [...path, i];
      const v = cut.has(keyOf(child)) ? REMOVED : prune(item, child, cuts);
      if (v === REMOVED) map.push(undefined);
      else {
        map.push(out.length);
        out.push(v);
      }
    });
    indexMaps.set(keyOf(path), map);
    return out.length === 0 && value.length > 0 ? REMOVED : out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    let lostRequired = false;
    for (const [k, item] of Object.entries(value as Record<string, unknown>)) {
      const child = [...path, k];
      const v = cut.has(keyOf(child)) ? REMOVED : prune(item, child, cuts);
      if (v === REMOVED) {
        if (path.length > 0 && NESTED_REQUIRED.has(k)) lostRequired = true;
      } else out[k] = v;
    }
    if (lostRequired) return REMOVED;
    if (path.length === 2 && path[0] === 'external_references' && !REFERENCE_CONTENT.some((k) => Object.hasOwn(out, k))) return REMOVED;
    return Object.keys(out).length === 0 && Object.keys(value).length > 0 ? REMOVED : out;
  }
  return value;
}

/** The selector re-pointed after list elements moved, or undefined when its content is gone. */
function remapSelector(selector: string, pruned: Record<string, unknown>, indexMaps: Map<string, (number | undefined)[]>): string | undefined {
  const steps = parseSelector(selector);
  if (!steps) return undefined;
  const original: SelectorStep[] = [];
  const mapped: SelectorStep[] = [];
  let at: unknown = pruned;
  for (const step of steps) {
    if (typeof step === 'number') {
      const map = indexMaps.get(keyOf(original));
      const next = map ? map[step] : step;
      if (next === undefined || !Array.isArray(at) || next >= at.length) return undefined;
      mapped.push(next);
      at = at[next];
    } else {
      if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, step)) return undefined;
      mapped.push(step);
      at = (at as Record<string, unknown>)[step];
    }
    original.push(step);
  }
  return mapped.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.');
}

function keyOf(steps: readonly SelectorStep[]): string {
  return JSON.stringify(steps);
}
