import { isTlpMarkingId, moreRestrictive, tlpLevelOfMarking, type TlpLevel } from './tlp-markings.js';

/**
 * The level an object without any TLP object marking is treated as: AMBER+STRICT, the producing
 * organisation only. Unmarked data is most often data nobody has classified yet, so it must not
 * leave the organisation that holds it until someone marks it.
 */
export const UNMARKED_DEFAULT_TLP: TlpLevel = 'amber+strict';

/**
 * The custom property through which an object names the organisations (ids of this deployment's
 * organisations) that may receive its TLP:RED content: the object itself when it is RED, and its
 * RED-marked properties. The producer always may; nobody else unless listed. The list is itself
 * withheld from every recipient but the producer.
 */
export const RED_RECIPIENTS_PROPERTY = 'x_shieldwall_red_recipients';

/** Any STIX object, typed or straight from JSON: only marking properties are read. */
type Marked = object;

const props = (o: Marked) => o as Record<string, unknown>;

/**
 * The most restrictive TLP level among the object's `object_marking_refs` (TLP 2.0 ids, and the
 * STIX 2.1 TLP 1.0 ids mapped: WHITE→CLEAR), or undefined when none of its markings is TLP.
 *
 * @example tlpOf({ …, object_marking_refs: [TLP_MARKING_IDS.green, TLP_MARKING_IDS.amber] }) // 'amber'
 */
export function tlpOf(object: Marked): TlpLevel | undefined {
  const refs = props(object).object_marking_refs;
  if (!Array.isArray(refs)) return undefined;
  let level: TlpLevel | undefined;
  for (const ref of refs) {
    const l = typeof ref === 'string' ? tlpLevelOfMarking(ref) : undefined;
    if (l) level = level ? moreRestrictive(level, l) : l;
  }
  return level;
}

/** The official TLP marking definitions are public: every recipient needs them to read its markings. */
function isOfficialTlpDefinition(object: Marked): boolean {
  const { type, id } = props(object);
  return type === 'marking-definition' && typeof id === 'string' && isTlpMarkingId(id);
}

/**
 * The object's level for labels and listings: `tlpOf`, or `UNMARKED_DEFAULT_TLP` when unmarked
 * (CLEAR for the official TLP definitions). Release decisions use every level, `releaseLevelsOf`.
 */
export function effectiveTlpOf(object: Marked): TlpLevel {
  return tlpOf(object) ?? (isOfficialTlpDefinition(object) ? 'clear' : UNMARKED_DEFAULT_TLP);
}

/**
 * Every TLP level the object's own markings carry (`UNMARKED_DEFAULT_TLP` when none, CLEAR for
 * the official TLP definitions): the release policy requires each of them to allow a recipient.
 */
export function releaseLevelsOf(object: Marked): TlpLevel[] {
  const refs = props(object).object_marking_refs;
  const levels = new Set<TlpLevel>();
  if (Array.isArray(refs)) {
    for (const ref of refs) {
      const level = typeof ref === 'string' ? tlpLevelOfMarking(ref) : undefined;
      if (level) levels.add(level);
    }
  }
  if (levels.size > 0) return [...levels];
  return [isOfficialTlpDefinition(object) ? 'clear' : UNMARKED_DEFAULT_TLP];
}

/** The TLP granular markings of an object: each selector with the level marking it (non-TLP and `lang` markings are skipped). */
export function granularTlpOf(object: Marked): { selector: string; level: TlpLevel }[] {
  const out: { selector: string; level: TlpLevel }[] = [];
  const granular = props(object).granular_markings;
  if (!Array.isArray(granular)) return out;
  for (const g of granular) {
    const ref = (g as { marking_ref?: unknown }).marking_ref;
    const selectors = (g as { selectors?: unknown }).selectors;
    const level = typeof ref === 'string' ? tlpLevelOfMarking(ref) : undefined;
    if (!level || !Array.isArray(selectors)) continue;
    for (const s of selectors) if (typeof s === 'string') out.push({ selector: s, level });
  }
  return out;
}

/** The organisation ids the object names as RED recipients (see `RED_RECIPIENTS_PROPERTY`). */
export function redRecipientsOf(object: Marked): readonly string[] {
  const list = props(object)[RED_RECIPIENTS_PROPERTY];
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * `tlpOf` as a nullable value for storage columns and wire formats: the marked level, or null
 * when the object carries no TLP object marking (release decisions use `releaseLevelsOf`).
 */
export function tlpLevelOf(object: Marked): TlpLevel | null {
  return tlpOf(object) ?? null;
}
