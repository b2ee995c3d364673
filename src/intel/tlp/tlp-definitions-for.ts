import type { MarkingDefinition } from '../stix/stix-object-types.js';
import { tlp1MarkingDefinition, TLP1_MARKING_IDS, TLP_LEVELS, TLP_MARKING_IDS, tlpMarkingDefinition } from './tlp-markings.js';

const BY_ID: ReadonlyMap<string, () => MarkingDefinition> = new Map<string, () => MarkingDefinition>([
  ...TLP_LEVELS.map((level) => [TLP_MARKING_IDS[level], () => tlpMarkingDefinition(level)] as [string, () => MarkingDefinition]),
  ...(Object.keys(TLP1_MARKING_IDS) as (keyof typeof TLP1_MARKING_IDS)[]).map(
    (colour) => [TLP1_MARKING_IDS[colour], () => tlp1MarkingDefinition(colour)] as [string, () => MarkingDefinition],
  ),
]);

/**
 * The official TLP marking-definition objects the given objects reference (object and granular
 * markings), each once, for a bundle or TAXII page. STIX 2.1 predefines only the TLP 1.0 objects;
 * a consumer can resolve a TLP 2.0 reference only if the definition travels with the data.
 * Objects already in `objects` are not repeated.
 */
export function tlpDefinitionsFor(objects: Iterable<object>): MarkingDefinition[] {
  const present = new Set<string>();
  const wanted = new Set<string>();
  for (const o of objects) {
    const rec = o as Record<string, unknown>;
    if (rec.type === 'marking-definition' && typeof rec.id === 'string') present.add(rec.id);
    if (Array.isArray(rec.object_marking_refs)) for (const r of rec.object_marking_refs) if (typeof r === 'string') wanted.add(r);
    if (Array.isArray(rec.granular_markings)) {
      for (const g of rec.granular_markings) {
        const ref = (g as { marking_ref?: unknown }).marking_ref;
        if (typeof ref === 'string') wanted.add(ref);
      }
    }
  }
  const out: MarkingDefinition[] = [];
  for (const id of wanted) {
    const make = BY_ID.get(id);
    if (make && !present.has(id)) out.push(make());
  }
  return out;
}
