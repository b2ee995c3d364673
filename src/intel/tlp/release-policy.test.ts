import { describe, expect, it } from 'vitest';
import { validateStixObject } from '../stix/default-stix-validator.js';
import { orgGraphFromOrganisations } from './org-graph.js';
import { createReleasePolicy, type Recipient } from './release-policy.js';
import { TLP1_MARKING_IDS, TLP_MARKING_IDS, tlpMarkingDefinition, type TlpLevel } from './tlp-markings.js';

// authority ─┬─ nato-cert ─┬─ client-1
//            │             └─ client-2
//            └─ member-x
const graph = orgGraphFromOrganisations([
  { id: 'authority', parentId: null },
  { id: 'nato-cert', parentId: 'authority' },
  { id: 'client-1', parentId: 'nato-cert' },
  { id: 'client-2', parentId: 'nato-cert' },
  { id: 'member-x', parentId: 'authority' },
]);
const policy = createReleasePolicy(graph);
const org = (orgId: string): Recipient => ({ kind: 'org', orgId });
const PUBLIC: Recipient = { kind: 'public' };
const ALL: [string, Recipient][] = [
  ['nato-cert', org('nato-cert')],
  ['client-1', org('client-1')],
  ['authority', org('authority')],
  ['member-x', org('member-x')],
  ['stranger', org('stranger')],
  ['public', PUBLIC],
];

const indicator = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'indicator',
  spec_version: '2.1',
  id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  created: '2026-11-26T01:40:00.000Z',
  modified: '2026-11-26T01:40:00.000Z',
  name: 'C2 server',
  description: 'Seen beaconing from three hosts',
  labels: ['c2', 'campaign-x', 'apt-y'],
  pattern: "[ipv4-addr:value = '198.51.100.7']",
  pattern_type: 'stix',
  valid_from: '2026-11-26T01:40:00Z',
  ...extra,
});
const marked = (level: TlpLevel, extra: Record<string, unknown> = {}) => indicator({ object_marking_refs: [TLP_MARKING_IDS[level]], ...extra });
const who = (object: object) => ALL.filter(([, r]) => policy.mayReceive(object, 'nato-cert', r)).map(([n]) => n);

describe('object-level TLP', () => {
  it('CLEAR goes to everyone, the public included', () => {
    expect(who(marked('clear'))).toEqual(['nato-cert', 'client-1', 'authority', 'member-x', 'stranger', 'public']);
    expect(who(indicator({ object_marking_refs: [TLP1_MARKING_IDS.white] }))).toHaveLength(6);
  });

  it('GREEN goes to every organisation of the deployment, never the public or outsiders', () => {
    expect(who(marked('green'))).toEqual(['nato-cert', 'client-1', 'authority', 'member-x']);
  });

  it("AMBER goes to the producer and its clients, not to its parent or siblings", () => {
    expect(who(marked('amber'))).toEqual(['nato-cert', 'client-1']);
    expect(policy.mayReceive(marked('amber'), 'nato-cert', org('client-2'))).toBe(true);
  });

  it('AMBER+STRICT stays inside the producing organisation', () => {
    expect(who(marked('amber+strict'))).toEqual(['nato-cert']);
  });

  it('RED goes to the producer and the named recipients only', () => {
    expect(who(marked('red'))).toEqual(['nato-cert']);
    expect(who(marked('red', { x_shieldwall_red_recipients: ['member-x', 'stranger'] }))).toEqual(['nato-cert', 'member-x', 'stranger']);
    expect(who(indicator({ object_marking_refs: [TLP1_MARKING_IDS.red], x_shieldwall_red_recipients: ['client-1'] }))).toEqual(['nato-cert', 'client-1']);
  });

  it('an unmarked object is treated as AMBER+STRICT', () => {
    expect(who(indicator())).toEqual(['nato-cert']);
    expect(who(indicator({ object_marking_refs: ['marking-definition--ad2caa47-58fd-4491-bf3c-2f5c7a9e4d1c'] }))).toEqual(['nato-cert']);
  });

  it('the most restrictive of several markings wins', () => {
    expect(who(indicator({ object_marking_refs: [TLP_MARKING_IDS.clear, TLP_MARKING_IDS.amber] }))).toEqual(['nato-cert', 'client-1']);
  });

  it('RED with AMBER reaches only named recipients that AMBER allows too', () => {
    const o = indicator({ object_marking_refs: [TLP_MARKING_IDS.amber, TLP_MARKING_IDS.red], x_shieldwall_red_recipients: ['client-1', 'member-x'] });
    expect(who(o)).toEqual(['nato-cert', 'client-1']);
  });

  it('the official TLP definitions go to everyone', () => {
    expect(who(tlpMarkingDefinition('red'))).toHaveLength(6);
  });
});

describe('granular markings', () => {
  it('redact the selected properties for recipients who may not read them', () => {
    const o = marked('green', { granular_markings: [{ selectors: ['description'], marking_ref: TLP_MARKING_IDS.amber }] });
    const out = policy.release(o, 'nato-cert', org('member-x'))!;
    expect(out).not.toHaveProperty('description');
    expect(out).not.toHaveProperty('granular_markings');
    expect(out.name).toBe('C2 server');
    expect(validateStixObject(out)).toEqual({ ok: true });
    expect(policy.release(o, 'nato-cert', org('client-1'))).toBe(o);
  });

  it('remove list elements and re-point the markings of the elements after them', () => {
    const o = marked('green', {
      granular_markings: [
        { selectors: ['labels.[0]'], marking_ref: TLP_MARKING_IDS.red },
        { selectors: ['labels.[2]'], marking_ref: TLP_MARKING_IDS.amber },
      ],
    });
    const toClient = policy.release(o, 'nato-cert', org('client-1'))!;
    expect(toClient.labels).toEqual(['campaign-x', 'apt-y']);
    expect(toClient.granular_markings).toEqual([{ selectors: ['labels.[1]'], marking_ref: TLP_MARKING_IDS.amber }]);
    expect(validateStixObject(toClient)).toEqual({ ok: true });
    expect(policy.release(o, 'nato-cert', org('member-x'))!.labels).toEqual(['campaign-x']);
  });

  it('drop a list that loses every element', () => {
    const o = marked('clear', { granular_markings: [{ selectors: ['labels.[0]', 'labels.[1]', 'labels.[2]'], marking_ref: TLP_MARKING_IDS.green }] });
    const out = policy.release(o, 'nato-cert', PUBLIC)!;
    expect(out).not.toHaveProperty('labels');
    expect(validateStixObject(out)).toEqual({ ok: true });
  });

  it('withhold the whole object when a required property would be redacted', () => {
    const o = marked('green', { granular_markings: [{ selectors: ['pattern'], marking_ref: TLP_MARKING_IDS.red }] });
    expect(policy.release(o, 'nato-cert', org('member-x'))).toBeNull();
    expect(policy.mayReceive(o, 'nato-cert', org('member-x'))).toBe(false);
    expect(policy.release(o, 'nato-cert', org('nato-cert'))).toBe(o);
  });

  it('never strip the object markings themselves: the object is withheld instead', () => {
    const o = marked('green', { granular_markings: [{ selectors: ['object_marking_refs'], marking_ref: TLP_MARKING_IDS.amber }] });
    expect(policy.release(o, 'nato-cert', org('member-x'))).toBeNull();
    expect(policy.release(o, 'nato-cert', org('client-1'))).toBe(o);
  });

  it('drop an external reference whose source_name is redacted, keep the others', () => {
    const refs = [
      { source_name: 'internal-case', url: 'https://cases.example/1' },
      { source_name: 'mitre-attack', external_id: 'T1071' },
    ];
    const o = marked('green', { external_references: refs, granular_markings: [{ selectors: ['external_references.[0].source_name'], marking_ref: TLP_MARKING_IDS.amber }] });
    const out = policy.release(o, 'nato-cert', org('member-x'))!;
    expect(out.external_references).toEqual([refs[1]]);
    expect(validateStixObject(out)).toEqual({ ok: true });
  });

  it('use the named RED recipients for RED properties and never reveal the list', () => {
    const o = marked('green', { x_shieldwall_red_recipients: ['member-x'], granular_markings: [{ selectors: ['description'], marking_ref: TLP_MARKING_IDS.red }] });
    const named = policy.release(o, 'nato-cert', org('member-x'))!;
    expect(named.description).toBe('Seen beaconing from three hosts');
    expect(named).not.toHaveProperty('x_shieldwall_red_recipients');
    expect(policy.release(o, 'nato-cert', org('authority'))).not.toHaveProperty('description');
    expect(policy.release(o, 'nato-cert', org('nato-cert'))).toHaveProperty('x_shieldwall_red_recipients', ['member-x']);
  });

  it('copy only along the redacted paths: a deeply nested custom property cannot exhaust the stack', () => {
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 200_000; i++) deep = { nested: deep };
    const o = marked('green', { x_deep: deep, granular_markings: [{ selectors: ['description'], marking_ref: TLP_MARKING_IDS.amber }] });
    const out = policy.release(o, 'nato-cert', org('member-x'))!;
    expect(out).not.toHaveProperty('description');
    expect(out.x_deep).toBe(deep);
  });

  it('do not widen: a CLEAR property of an AMBER object is still AMBER', () => {
    const o = marked('amber', { granular_markings: [{ selectors: ['name'], marking_ref: TLP_MARKING_IDS.clear }] });
    expect(policy.release(o, 'nato-cert', PUBLIC)).toBeNull();
  });
});
