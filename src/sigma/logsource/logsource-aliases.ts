import type { Logsource } from '../sigma-types.js';

/**
 * Rule category → the other event categories it also covers. `normalizeEvent` gives each event
 * ONE category, the most specific one (a Sysmon 13 event is `registry_set`), so a router must let
 * - a `registry_event` rule see `registry_add`/`registry_delete`/`registry_set`/`registry_rename`
 *   events too (the taxonomy defines `registry_event` as Sysmon 12, 13 and 14);
 * - `registry_add` and `registry_delete` rules see a Sysmon 12 whose `EventType` was lost (it is
 *   classified `registry_event`): the taxonomy and pySigma define both as plain EventID 12;
 * - a `file_delete` rule see `file_delete_detected` (Sysmon 26), as pySigma's Sysmon pipeline
 *   maps `file_delete` to EventIDs 23 and 26.
 */
export const categoryAliases: Readonly<Record<string, readonly string[]>> = {
  registry_event: ['registry_add', 'registry_delete', 'registry_set', 'registry_rename'],
  registry_add: ['registry_event'],
  registry_delete: ['registry_event'],
  file_delete: ['file_delete_detected'],
};

/**
 * Rule service → other service names of the same channel. The taxonomy and pySigma spell a few
 * services differently; rules in the wild use both spellings, events carry the first one.
 */
export const serviceAliases: Readonly<Record<string, readonly string[]>> = {
  'servicebus-client': ['microsoft-servicebus-client'],
  ldap_debug: ['ldap'],
};

function covers(ruleValue: string | undefined, eventValue: string | undefined, aliases: Readonly<Record<string, readonly string[]>>): boolean {
  if (ruleValue === undefined) return true;
  if (eventValue === undefined) return false;
  if (ruleValue === eventValue) return true;
  return aliases[ruleValue]?.includes(eventValue) ?? false;
}

/**
 * Whether a rule's logsource applies to an event's logsource: every field the rule sets must be
 * set on the event, equal or an alias (see {@link categoryAliases}, {@link serviceAliases});
 * fields the rule leaves out match anything. Both sides are lower case (Sigma values).
 *
 * @example
 * logsourceMatches({ product: 'windows', category: 'registry_event' },
 *   { product: 'windows', service: 'sysmon', category: 'registry_set' }) // true
 */
export function logsourceMatches(rule: Logsource, event: Logsource): boolean {
  return (
    covers(rule.product, event.product, {}) &&
    covers(rule.category, event.category, categoryAliases) &&
    covers(rule.service, event.service, serviceAliases)
  );
}

/**
 * The rule categories that apply to an event category: itself plus every category that aliases
 * it. For routers that bucket rules by category and look buckets up per event.
 *
 * @example ruleCategoriesFor('registry_set') // ['registry_set', 'registry_event']
 */
export function ruleCategoriesFor(eventCategory: string): readonly string[] {
  return ruleCategoryIndex.get(eventCategory) ?? [eventCategory];
}

const ruleCategoryIndex: ReadonlyMap<string, readonly string[]> = (() => {
  const index = new Map<string, string[]>();
  for (const [ruleCategory, eventCategories] of Object.entries(categoryAliases)) {
    for (const c of eventCategories) {
      const list = index.get(c) ?? [c];
      list.push(ruleCategory);
      index.set(c, list);
    }
  }
  return index;
})();

/** Same as {@link ruleCategoriesFor}, for services. */
export function ruleServicesFor(eventService: string): readonly string[] {
  return ruleServiceIndex.get(eventService) ?? [eventService];
}

const ruleServiceIndex: ReadonlyMap<string, readonly string[]> = (() => {
  const index = new Map<string, string[]>();
  for (const [ruleService, eventServices] of Object.entries(serviceAliases)) {
    for (const s of eventServices) {
      const list = index.get(s) ?? [s];
      list.push(ruleService);
      index.set(s, list);
    }
  }
  return index;
})();
