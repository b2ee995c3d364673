import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { randomIds } from '../../shared/ids.js';
import { TLP_MARKING_IDS, tlp1MarkingDefinition, tlpMarkingDefinition, TLP_LEVELS } from '../tlp/tlp-markings.js';
import { validateBundle, validateStixObject } from './default-stix-validator.js';
import {
  buildBundle,
  buildIndicator,
  buildNote,
  buildObservedData,
  buildOrganisationIdentity,
  buildRelationship,
  buildReport,
  buildSco,
  buildSighting,
  organisationIdentityId,
} from './stix-builders.js';

const T0 = Date.UTC(2026, 10, 26, 1, 40, 0, 0);
const ctx = () => ({ clock: new ManualClock(T0), ids: randomIds });

function everyBuilderOnce() {
  const c = ctx();
  const me = buildOrganisationIdentity({ orgId: 'org-nato-cert', name: 'NATO CERT', sectors: ['defense'], markings: [TLP_MARKING_IDS.green] }, c);
  const ip = buildSco({ type: 'ipv4-addr', value: '198.51.100.7' }, c);
  const domain = buildSco({ type: 'domain-name', value: 'c2.example.net' }, c);
  const file = buildSco({ type: 'file', name: 'dropper.exe', hashes: { 'SHA-256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } }, c);
  const traffic = buildSco({ type: 'network-traffic', src_ref: ip.id, dst_port: 443, protocols: ['ipv4', 'tcp'] }, c);
  const account = buildSco({ type: 'user-account', user_id: '1001', account_login: 'svc-backup' }, c);
  const mail = buildSco({ type: 'email-addr', value: 'phish@example.org' }, c);
  const url = buildSco({ type: 'url', value: 'https://c2.example.net/gate.php' }, c);
  const indicator = buildIndicator(
    {
      pattern: "[ipv4-addr:value = '198.51.100.7'] OR [domain-name:value = 'c2.example.net']",
      name: 'C2 of campaign X',
      indicatorTypes: ['malicious-activity'],
      createdBy: me.id,
      markings: [TLP_MARKING_IDS.amber],
      granularMarkings: [{ selectors: ['name'], marking_ref: TLP_MARKING_IDS.red }],
      killChainPhases: [{ kill_chain_name: 'mitre-attack', phase_name: 'command-and-control' }],
      validUntil: '2026-12-26T01:40:00.000Z',
      confidence: 80,
      externalReferences: [{ source_name: 'mitre-attack', external_id: 'T1071', url: 'https://attack.mitre.org/techniques/T1071/' }],
      custom: { x_shieldwall_red_recipients: ['org-b'] },
    },
    c,
  );
  const observed = buildObservedData({ objectRefs: [ip.id, traffic.id], firstObserved: '2026-11-26T01:00:00.000Z', lastObserved: '2026-11-26T01:30:00.000Z', numberObserved: 3, createdBy: me.id }, c);
  const sighting = buildSighting({ sightingOf: indicator.id, whereSighted: [me.id], observedData: [observed.id], count: 3, firstSeen: '2026-11-26T01:00:00.000Z', lastSeen: '2026-11-26T01:30:00.000Z', createdBy: me.id }, c);
  const relationship = buildRelationship({ relationshipType: 'based-on', sourceRef: indicator.id, targetRef: observed.id }, c);
  const report = buildReport({ name: 'Campaign X', objectRefs: [indicator.id, sighting.id], reportTypes: ['campaign'], createdBy: me.id }, c);
  const note = buildNote({ content: 'Seen at three members.', objectRefs: [report.id], authors: ['analyst@nato-cert'] }, c);
  return { me, ip, domain, file, traffic, account, mail, url, indicator, observed, sighting, relationship, report, note };
}

describe('builders', () => {
  it('emit objects that validate against the OASIS schemas, one by one and as a bundle', () => {
    const built = everyBuilderOnce();
    for (const [name, object] of Object.entries(built)) expect({ name, result: validateStixObject(object) }).toEqual({ name, result: { ok: true } });
    const markings = [...TLP_LEVELS.map(tlpMarkingDefinition), tlp1MarkingDefinition('white'), tlp1MarkingDefinition('red')];
    for (const m of markings) expect({ id: m.id, result: validateStixObject(m) }).toEqual({ id: m.id, result: { ok: true } });
    const bundle = buildBundle([...Object.values(built), ...markings], ctx());
    expect(validateBundle(bundle).ok).toBe(true);
  });

  it('stamp created and modified with the injected clock to the millisecond', () => {
    const c = ctx();
    c.clock.advance(123);
    const i = buildIndicator({ pattern: "[url:value = 'https://x.example/']" }, c);
    expect(i).toMatchObject({ created: '2026-11-26T01:40:00.123Z', modified: '2026-11-26T01:40:00.123Z', valid_from: '2026-11-26T01:40:00.123Z', pattern_type: 'stix', pattern_version: '2.1', spec_version: '2.1' });
    expect(i.id).toMatch(/^indicator--[0-9a-f-]{36}$/);
  });

  it('leave out what was not given (no undefined properties)', () => {
    const i = buildIndicator({ pattern: "[url:value = 'https://x.example/']", labels: [] }, ctx());
    expect(Object.keys(i).sort()).toEqual(['created', 'id', 'modified', 'pattern', 'pattern_type', 'pattern_version', 'spec_version', 'type', 'valid_from']);
    expect(Object.values(i)).not.toContain(undefined);
    expect('pattern_version' in buildIndicator({ pattern: 'alert tcp any any -> any any (sid:1;)', patternType: 'snort' }, ctx())).toBe(false);
  });

  it('give an organisation the same identity id every time', () => {
    const a = buildOrganisationIdentity({ orgId: 'org-a', name: 'A' }, ctx());
    const b = buildOrganisationIdentity({ orgId: 'org-a', name: 'A renamed' }, ctx());
    expect(a.id).toBe(b.id);
    expect(a.id).toBe(organisationIdentityId('org-a'));
    expect(organisationIdentityId('org-b')).not.toBe(a.id);
    expect(a.identity_class).toBe('organization');
  });

  it('give SCOs their deterministic id, properties in reading order', () => {
    const ip = buildSco({ type: 'ipv4-addr', value: '198.51.100.8' }, ctx());
    expect(ip).toEqual({ type: 'ipv4-addr', spec_version: '2.1', id: 'ipv4-addr--6c83081b-13af-5e30-ba30-6f401772a083', value: '198.51.100.8' });
    expect(Object.keys(ip)).toEqual(['type', 'spec_version', 'id', 'value']);
  });
});
