import type { ErrorObject } from 'ajv/dist/2020.js';
import type { StixValidationError } from './stix-validator.js';

/**
 * Turns Ajv's errors into the few a person needs. With `allErrors`, a failed `oneOf`/`anyOf`
 * reports every branch's failures (an external reference is told its source_name must be "cve"
 * and "capec"); here each failed alternative keeps only its closest branch — the one with the
 * fewest errors — and an `anyOf` of plain "required" branches becomes one "needs one of" error.
 * Errors coming through a `$ref` cannot be told apart by schema path and are kept as they are.
 */
export function schemaErrors(errors: readonly ErrorObject[]): StixValidationError[] {
  let list = [...errors];
  const composites = list
    .filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const composite of composites) {
    if (!list.includes(composite)) continue;
    const prefix = `${composite.schemaPath}/`;
    const groups = new Map<string, ErrorObject[]>();
    for (const e of list) {
      if (!e.schemaPath.startsWith(prefix) || !e.instancePath.startsWith(composite.instancePath)) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0]!;
      groups.set(branch, [...(groups.get(branch) ?? []), e]);
    }
    // A oneOf that matched several branches has nothing better to say than itself.
    if (groups.size === 0 || (composite.params as { passingSchemas?: unknown }).passingSchemas) continue;
    const branches = [...groups.values()];
    const attributed = new Set(branches.flat());
    const alternatives = branches.every((g) => g.length === 1 && g[0]!.keyword === 'required' && g[0]!.instancePath === composite.instancePath);
    if (composite.keyword === 'anyOf' && alternatives && branches.length > 1) {
      const names = branches.map((g) => `"${(g[0]!.params as { missingProperty: string }).missingProperty}"`);
      const merged = { ...composite, keyword: 'required-one-of', message: `needs one of ${names.join(', ')}` } as ErrorObject;
      list = list.filter((e) => !attributed.has(e)).map((e) => (e === composite ? merged : e));
      continue;
    }
    // Ties go to the branch that only misses properties: a missing property is the likelier fix
    // than a value that selects another alternative (malware's `is_family: true` needs a `name`).
    const cost = (g: ErrorObject[]) => g.length * 2 + (g.some((e) => e.keyword !== 'required') ? 1 : 0);
    const best = branches.reduce((a, b) => (cost(b) < cost(a) ? b : a));
    list = list.filter((e) => e !== composite && (!attributed.has(e) || best.includes(e)));
  }
  return list
    // `if` summaries repeat what their `then` branch already said.
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      if (e.keyword === 'required') {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        return { path: `${e.instancePath}/${missing}`, message: `required property "${missing}" is missing` };
      }
      if (e.keyword === 'additionalProperties') {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        return { path: `${e.instancePath}/${extra}`, message: 'property is not allowed here' };
      }
      return { path: e.instancePath, message: e.message ?? e.keyword };
    });
}
