/**
 * Granular-marking selectors (STIX 2.1 §7.2.3.1): a dotted path of property names and list
 * indexes in brackets, e.g. `description`, `labels.[1]`, `external_references.[0].url`.
 */

/** One step of a selector: a property name or a list index. */
export type SelectorStep = string | number;

const INDEX = /^\[(\d+)\]$/;

/** `external_references.[0].url` → `['external_references', 0, 'url']`; null when malformed. */
export function parseSelector(selector: string): SelectorStep[] | null {
  if (selector.length === 0) return null;
  const steps: SelectorStep[] = [];
  for (const part of selector.split('.')) {
    if (part.length === 0) return null;
    const m = INDEX.exec(part);
    steps.push(m ? Number(m[1]) : part);
  }
  // The first step is always a property of the object itself.
  return typeof steps[0] === 'string' ? steps : null;
}

/** The value a selector points at, or undefined when the object has no such content. */
export function resolveSelector(object: unknown, selector: string): unknown {
  const steps = parseSelector(selector);
  if (!steps) return undefined;
  let at: unknown = object;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(at) || step >= at.length) return undefined;
      at = at[step];
    } else {
      if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, step)) return undefined;
      at = (at as Record<string, unknown>)[step];
    }
  }
  return at;
}
