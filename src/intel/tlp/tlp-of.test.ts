import { describe, expect, it } from 'vitest';
import { TLP1_MARKING_IDS, TLP_MARKING_IDS, tlp1MarkingDefinition, tlpLevelOfMarking, tlpMarkingDefinition } from './tlp-markings.js';
import { effectiveTlpOf, granularTlpOf, redRecipientsOf, tlpLevelOf, tlpOf, UNMARKED_DEFAULT_TLP } from './tlp-of.js';
import { tlpDefinitionsFor } from './tlp-definitions-for.js';

const STATEMENT = 'marking-definition--ad2caa47-58fd-4491-bf3c-2f5c7a9e4d1c';
const obj = (refs?: string[]) => ({ type: 'indicator', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', ...(refs ? { object_marking_refs: refs } : {}) });

describe('TLP marking definitions', () => {
  it('use the published OASIS TLP 2.0 ids', () => {
    expect(TLP_MARKING_IDS).toEqual({
      clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
      green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
      amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
      'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
      red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
    });
    expect(tlpMarkingDefinition('amber+strict')).toMatchObject({ name: 'TLP:AMBER+STRICT', created: '2022-10-01T00:00:00.000Z' });
  });

  it('map the STIX 2.1 TLP 1.0 ids, WHITE as CLEAR', () => {
    expect(tlpLevelOfMarking(TLP1_MARKING_IDS.white)).toBe('clear');
    expect(tlpLevelOfMarking(TLP1_MARKING_IDS.green)).toBe('green');
    expect(tlpLevelOfMarking(TLP1_MARKING_IDS.amber)).toBe('amber');
    expect(tlpLevelOfMarking(TLP1_MARKING_IDS.red)).toBe('red');
    expect(tlpLevelOfMarking(STATEMENT)).toBeUndefined();
    expect(tlp1MarkingDefinition('white')).toMatchObject({ definition_type: 'tlp', definition: { tlp: 'white' }, created: '2017-01-20T00:00:00.000Z' });
  });
});

describe('tlpOf', () => {
  it('is the most restrictive TLP object marking, across TLP versions', () => {
    expect(tlpOf(obj([TLP_MARKING_IDS.green, TLP_MARKING_IDS.amber]))).toBe('amber');
    expect(tlpOf(obj([TLP_MARKING_IDS['amber+strict'], TLP1_MARKING_IDS.amber]))).toBe('amber+strict');
    expect(tlpOf(obj([TLP1_MARKING_IDS.red, TLP_MARKING_IDS.clear]))).toBe('red');
    expect(tlpOf(obj([TLP1_MARKING_IDS.white, STATEMENT]))).toBe('clear');
  });

  it('is undefined for an object without TLP markings, which is then treated as the default', () => {
    expect(tlpOf(obj())).toBeUndefined();
    expect(tlpOf(obj([STATEMENT]))).toBeUndefined();
    expect(tlpLevelOf(obj([STATEMENT]))).toBeNull();
    expect(tlpLevelOf(obj([TLP_MARKING_IDS.green]))).toBe('green');
    expect(UNMARKED_DEFAULT_TLP).toBe('amber+strict');
    expect(effectiveTlpOf(obj())).toBe('amber+strict');
    expect(effectiveTlpOf(obj([TLP_MARKING_IDS.green]))).toBe('green');
  });

  it('treats the official TLP definitions themselves as public', () => {
    expect(effectiveTlpOf(tlpMarkingDefinition('red'))).toBe('clear');
    expect(effectiveTlpOf(tlp1MarkingDefinition('red'))).toBe('clear');
    expect(effectiveTlpOf({ type: 'marking-definition', id: STATEMENT })).toBe('amber+strict');
  });

  it('lists granular TLP markings by selector and the named RED recipients', () => {
    const o = {
      ...obj([TLP_MARKING_IDS.green]),
      granular_markings: [
        { selectors: ['description', 'labels.[0]'], marking_ref: TLP_MARKING_IDS.red },
        { selectors: ['name'], marking_ref: STATEMENT },
        { selectors: ['name'], lang: 'fr' },
      ],
      x_shieldwall_red_recipients: ['org-b', 7],
    };
    expect(granularTlpOf(o)).toEqual([
      { selector: 'description', level: 'red' },
      { selector: 'labels.[0]', level: 'red' },
    ]);
    expect(redRecipientsOf(o)).toEqual(['org-b']);
  });
});

describe('tlpDefinitionsFor', () => {
  it('lists each referenced official TLP definition once, skipping those already present', () => {
    const objects = [
      obj([TLP_MARKING_IDS.amber, STATEMENT]),
      { ...obj([TLP_MARKING_IDS.amber]), granular_markings: [{ selectors: ['name'], marking_ref: TLP1_MARKING_IDS.red }] },
      tlpMarkingDefinition('green'),
      obj([TLP_MARKING_IDS.green]),
    ];
    expect(tlpDefinitionsFor(objects).map((m) => m.name)).toEqual(['TLP:AMBER', 'TLP:RED']);
    expect(tlpDefinitionsFor(objects)[1]).toEqual(tlp1MarkingDefinition('red'));
  });
});
