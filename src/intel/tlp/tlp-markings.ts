import type { MarkingDefinition } from '../stix/stix-object-types.js';

/** TLP 2.0 levels (FIRST), from least to most restrictive. */
export type TlpLevel = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

/** Every level, least restrictive first: the index is the restriction rank. */
export const TLP_LEVELS: readonly TlpLevel[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

/** The OASIS TLP 2.0 extension definition that TLP 2.0 marking definitions carry. */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/**
 * The official TLP 2.0 marking-definition ids (OASIS cti-stix-common-objects,
 * extension-definition-specifications/tlp-2.0). Reference these in `object_marking_refs`.
 */
export const TLP_MARKING_IDS: Readonly<Record<TlpLevel, string>> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** The TLP 1.0 marking definitions STIX 2.1 §7.2.1.4 predefines; still common in feeds. */
export const TLP1_MARKING_IDS = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
} as const;

const LEVEL_BY_MARKING_ID: ReadonlyMap<string, TlpLevel> = new Map<string, TlpLevel>([
  ...TLP_LEVELS.map((level) => [TLP_MARKING_IDS[level], level] as [string, TlpLevel]),
  // TLP 1.0 WHITE became CLEAR; the other colours kept their meaning.
  [TLP1_MARKING_IDS.white, 'clear'],
  [TLP1_MARKING_IDS.green, 'green'],
  [TLP1_MARKING_IDS.amber, 'amber'],
  [TLP1_MARKING_IDS.red, 'red'],
]);

/** The TLP level a marking-definition id stands for (TLP 2.0 or 1.0), or undefined for any other marking. */
export function tlpLevelOfMarking(markingId: string): TlpLevel | undefined {
  return LEVEL_BY_MARKING_ID.get(markingId);
}

/** Whether `id` is one of the official TLP marking definitions (2.0 or 1.0). */
export function isTlpMarkingId(id: string): boolean {
  return LEVEL_BY_MARKING_ID.has(id);
}

/** Restriction rank: 0 for CLEAR up to 4 for RED. */
export function tlpRank(level: TlpLevel): number {
  return TLP_LEVELS.indexOf(level);
}

/** The more restrictive of two levels. */
export function moreRestrictive(a: TlpLevel, b: TlpLevel): TlpLevel {
  return tlpRank(a) >= tlpRank(b) ? a : b;
}

/** The official TLP 2.0 marking-definition object for a level, as OASIS publishes it. */
export function tlpMarkingDefinition(level: TlpLevel): MarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP_MARKING_IDS[level],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${level.toUpperCase()}`,
    extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level } },
  };
}

/** The TLP 1.0 marking-definition objects exactly as STIX 2.1 §7.2.1.4 defines them. */
export function tlp1MarkingDefinition(colour: keyof typeof TLP1_MARKING_IDS): MarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP1_MARKING_IDS[colour],
    created: '2017-01-20T00:00:00.000Z',
    definition_type: 'tlp',
    name: `TLP:${colour.toUpperCase()}`,
    definition: { tlp: colour },
  };
}
