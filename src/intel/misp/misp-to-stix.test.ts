import { describe, expect, it } from 'vitest';
import type { IdGenerator } from '../../shared/ids.js';
import { validatePattern } from '../pattern/index.js';
import { validateStixObject } from '../stix/node.js';
import { scoId } from '../stix/index.js';
import { TLP_MARKING_IDS } from '../tlp/index.js';
import { mispDocumentToStix, mispEventToStix, readMispEvents, stixToMispEvent, type MispAttribute, type MispEvent } from './index.js';

function sequentialUuids(): IdGenerator {
  let n = 0;
  return { next: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
}

const now = Date.UTC(2026, 10, 26);
let uuidSeq = 0;
const attr = (type: string, value: string, extra: Partial<MispAttribute> = {}): MispAttribute => ({
  uuid: `5acc8902-ab3c-4dfc-b0bf-${String(++uuidSeq).padStart(12, '0')}`,
  type,
  value,
  to_ids: true,
  timestamp: '1523391188',
  ...extra,
});
const event = (attributes: MispAttribute[], extra: Partial<MispEvent> = {}): MispEvent => ({
  uuid: '5acc88e9-265c-4f22-9d2b-b702950d210f',
  info: 'test event',
  date: '2018-04-09',
  timestamp: '1551342138',
  Orgc: { name: 'CIRCL', uuid: '55f6ea5e-2c60-40e5-964f-47a8950d210f' },
  Attribute: attributes,
  ...extra,
});
const map = (e: MispEvent) => {
  const result = mispEventToStix(e, { now, ids: sequentialUuids() });
  for (const o of result.objects) {
    expect(validateStixObject(o), `${o.id}`).toEqual({ ok: true });
    // The grammar check the intel service applies on import.
    if (o.type === 'indicator' && o.pattern_type === 'stix') expect(() => validatePattern(String(o.pattern)), String(o.pattern)).not.toThrow();
  }
  return result;
};
const patterns = (e: MispEvent) => map(e).objects.filter((o) => o.type === 'indicator').map((o) => o.pattern);

describe('mispEventToStix', () => {
  it('writes STIX patterns for network, file and e-mail attribute types', () => {
    expect(
      patterns(
        event([
          attr('ip-dst', '198.51.100.7'),
          attr('ip-src', '10.0.0.0/8'),
          attr('ip-dst', '2001:db8::1'),
          attr('ip-dst|port', '198.51.100.7|8443'),
          attr('domain|ip', 'evil.example|198.51.100.7'),
          attr('hostname', 'c2.evil.example'),
          attr('url', "http://evil.example/a'b"),
          attr('sha256', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855'),
          attr('filename|md5', 'a.exe|d41d8cd98f00b204e9800998ecf8427e'),
          attr('email-src', 'bad@evil.example'),
          attr('user-agent', 'Evil/1.0'),
          attr('regkey', 'HKLM\\Software\\Run'),
          attr('hostname|port', 'c2.evil.example|8080'),
          attr('regkey|value', 'HKCU\\Software\\Run|evil.exe'),
          attr('AS', 'AS64500'),
          attr('mac-address', '00-1A-2B-3C-4D-5E'),
          attr('x509-fingerprint-sha1', '6A:3F:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11'),
          attr('email-subject', "Invoice 'urgent'"),
          attr('mutex', 'Global\\evil'),
          attr('port', '4444'),
          attr('imphash', 'F34D5F2D4577ED6D9CEEC516C1F5A744'),
        ]),
      ),
    ).toEqual([
      "[ipv4-addr:value = '198.51.100.7']",
      "[ipv4-addr:value = '10.0.0.0/8']",
      "[ipv6-addr:value = '2001:db8::1']",
      "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:dst_port = 8443]",
      "[domain-name:value = 'evil.example' AND domain-name:resolves_to_refs[*].value = '198.51.100.7']",
      "[domain-name:value = 'c2.evil.example']",
      "[url:value = 'http://evil.example/a\\'b']",
      "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
      "[file:name = 'a.exe' AND file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
      "[email-addr:value = 'bad@evil.example']",
      "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'Evil/1.0']",
      "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Software\\\\Run']",
      "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'c2.evil.example' AND network-traffic:dst_port = 8080]",
      "[windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\Run' AND windows-registry-key:values[*].data = 'evil.exe']",
      '[autonomous-system:number = 64500]',
      "[mac-addr:value = '00:1a:2b:3c:4d:5e']",
      "[x509-certificate:hashes.'SHA-1' = '6a3f00112233445566778899aabbccddeeff0011']",
      "[email-message:subject = 'Invoice \\'urgent\\'']",
      "[mutex:name = 'Global\\\\evil']",
      '[network-traffic:dst_port = 4444]',
      "[file:extensions.'windows-pebinary-ext'.imphash = 'f34d5f2d4577ed6d9ceec516c1f5a744']",
    ]);
  });

  it('turns to_ids=false attributes into observed-data with deterministic SCO ids', () => {
    const { objects, report } = map(event([attr('domain|ip', 'evil.example|198.51.100.7', { to_ids: false }), attr('ip-dst', '198.51.100.7', { to_ids: false })]));
    expect(report).toMatchObject({ indicators: 0, observedData: 2 });
    const ip = objects.find((o) => o.type === 'ipv4-addr')!;
    expect(ip.id).toBe(scoId({ type: 'ipv4-addr', value: '198.51.100.7' }, sequentialUuids()));
    expect(objects.filter((o) => o.type === 'ipv4-addr')).toHaveLength(1);
    const domain = objects.find((o) => o.type === 'domain-name')!;
    expect(domain.resolves_to_refs).toEqual([ip.id]);
    const observed = objects.filter((o) => o.type === 'observed-data');
    expect(observed.map((o) => o.object_refs)).toEqual([[domain.id, ip.id], [ip.id]]);
    expect(observed[0]).toMatchObject({ first_observed: '2018-04-10T20:13:08.000Z', number_observed: 1 });
  });

  it('builds a valid observable for every type that has one', () => {
    const values: [string, string][] = [
      ['ip-src', '10.0.0.0/8'], ['ip-dst', '2001:db8::1'], ['ip-src|port', '198.51.100.7|22'], ['hostname|port', 'c2.evil.example|8080'],
      ['domain|ip', 'evil.example|2001:db8::2'], ['url', 'https://evil.example/x'], ['sha512', 'a'.repeat(128)], ['filename|sha256', `a.dll|${'b'.repeat(64)}`],
      ['ssdeep', '96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrWA+4uy1Vzjs8wqWXLcMSx'],
      ['email-dst', 'victim@example.org'], ['email-subject', 'Invoice'], ['mutex', 'Global\\evil'], ['regkey|value', 'HKU\\S-1-5\\Run|x.exe'],
      ['AS', '64500'], ['mac-address', '00:1a:2b:3c:4d:5e'], ['x509-fingerprint-sha256', 'c'.repeat(64)], ['attachment', 'report.pdf'],
    ];
    const { report } = map(event(values.map(([type, value]) => attr(type, value, { to_ids: false }))));
    expect(report).toMatchObject({ observedData: values.length, unsupported: {}, invalid: {} });
  });

  it('counts unsupported types, invalid values and deleted attributes instead of dropping them', () => {
    const { report, objects } = map(
      event([attr('text', 'hello'), attr('btc', '1BoatSLRHtKNngkdXEeobR76b53LETtpyT'), attr('ip-dst', 'not-an-ip'), attr('md5', 'abc'), attr('ip-dst', '198.51.100.9', { deleted: true }), attr('port', '80', { to_ids: false })]),
    );
    expect(report).toMatchObject({
      attributes: 6,
      deleted: 1,
      unsupported: { text: 1, btc: 1, 'port (observable)': 1 },
      invalid: { 'ip-dst': 1, md5: 1 },
    });
    expect(report.invalidExamples[0]).toMatchObject({ type: 'ip-dst', value: 'not-an-ip', reason: 'not an IP address or CIDR' });
    expect(objects.filter((o) => o.type === 'report')).toHaveLength(0);
  });

  it('marks with the tlp tag, else the distribution, with attribute tags taking precedence', () => {
    const marking = (e: MispEvent) => map(e).objects.filter((o) => o.type === 'indicator').map((o) => o.object_marking_refs as string[]);
    const ip = (extra: Partial<MispAttribute> = {}) => attr('ip-dst', '198.51.100.7', extra);
    expect(marking(event([ip()], { Tag: [{ name: 'tlp:amber+strict' }] }))).toEqual([[TLP_MARKING_IDS['amber+strict']]]);
    expect(marking(event([ip()], { Tag: [{ name: 'tlp:green' }, { name: 'tlp:red' }] }))).toEqual([[TLP_MARKING_IDS.red]]);
    expect(marking(event([ip({ Tag: [{ name: 'tlp:white' }] })], { Tag: [{ name: 'tlp:amber' }] }))).toEqual([[TLP_MARKING_IDS.clear]]);
    const byDistribution = [0, 1, 2, 3, 4].map((d) => marking(event([ip({ distribution: '5' })], { distribution: String(d) }))[0]![0]);
    expect(byDistribution).toEqual([TLP_MARKING_IDS['amber+strict'], TLP_MARKING_IDS.amber, TLP_MARKING_IDS.green, TLP_MARKING_IDS.clear, TLP_MARKING_IDS['amber+strict']]);
    // An attribute's distribution only narrows the event's.
    expect(marking(event([ip({ distribution: 0 })], { distribution: 3 }))).toEqual([[TLP_MARKING_IDS['amber+strict']]]);
    expect(marking(event([ip({ distribution: 3 })], { distribution: 1 }))).toEqual([[TLP_MARKING_IDS.amber]]);
    expect(marking(event([ip()]))).toEqual([[TLP_MARKING_IDS.amber]]);
  });

  it('maps ATT&CK galaxy tags to attack-patterns the report refers to, other tags to labels', () => {
    const { objects } = map(
      event([attr('ip-dst', '198.51.100.7', { Tag: [{ name: 'misp-galaxy:mitre-attack-pattern="Exploit Public-Facing Application - T1190"' }] })], {
        Tag: [{ name: 'misp-galaxy:mitre-attack-pattern="Spearphishing Attachment - T1566.001"' }, { name: 'circl:incident-classification="malware"' }],
      }),
    );
    const patternsFound = objects.filter((o) => o.type === 'attack-pattern');
    expect(patternsFound.map((p) => (p.external_references as { external_id: string }[])[0]!.external_id).sort()).toEqual(['T1190', 'T1566.001']);
    const report = objects.find((o) => o.type === 'report')!;
    for (const p of patternsFound) expect(report.object_refs).toContain(p.id);
    expect(report.labels).toEqual(['circl:incident-classification="malware"']);
  });

  it('converts epoch-second strings and numbers alike, and falls back to the injected clock', () => {
    const numeric = map(event([attr('ip-dst', '198.51.100.7', { timestamp: 1523391188 })], { timestamp: 1551342138 })).objects;
    expect(numeric.find((o) => o.type === 'indicator')).toMatchObject({ created: '2018-04-10T20:13:08.000Z', valid_from: '2018-04-10T20:13:08.000Z' });
    const bare = map({ info: 'no times', Attribute: [{ type: 'domain', value: 'evil.example', to_ids: true }] }).objects;
    expect(bare.find((o) => o.type === 'report')).toMatchObject({ created: '2026-11-26T00:00:00.000Z', published: '2026-11-26T00:00:00.000Z' });
  });

  it('maps whole documents and answers null for what is not MISP', () => {
    const doc = { response: [{ Event: event([attr('domain', 'a.example')]) }, { Event: event([attr('domain', 'b.example')], { uuid: '5acc88e9-265c-4f22-9d2b-b702950d2100' }) }] };
    const mapped = mispDocumentToStix(doc, { now, ids: sequentialUuids() })!;
    expect(mapped.reports.map((r) => r.indicators)).toEqual([1, 1]);
    expect(mapped.objects.filter((o) => o.type === 'report')).toHaveLength(2);
    expect(mispDocumentToStix({ type: 'bundle', id: 'bundle--x', objects: [] }, { now, ids: sequentialUuids() })).toBeNull();
  });

  it('reads bare bodies and API response wrappers, and refuses what is not MISP', () => {
    expect(readMispEvents({ Event: { info: 'a' } })).toHaveLength(1);
    expect(readMispEvents({ response: [{ Event: { info: 'a' } }, { Event: { info: 'b' } }] })).toHaveLength(2);
    expect(readMispEvents({ info: 'bare', Attribute: [] })).toHaveLength(1);
    expect(readMispEvents({ type: 'bundle', id: 'bundle--x', objects: [] })).toBeNull();
    expect(readMispEvents('text')).toBeNull();
    expect(readMispEvents([{ type: 'ipv4-addr', id: 'ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd', value: '198.51.100.3' }])).toBeNull();
    expect(readMispEvents([])).toEqual([]);
  });
});

describe('stixToMispEvent', () => {
  it('exports indicators with their MISP types, composites and TLP tags, and counts what it skips', () => {
    const e = event([
      attr('ip-src', '198.51.100.7', { Tag: [{ name: 'tlp:red' }] }),
      attr('filename|sha1', 'a.exe|da39a3ee5e6b4b0d3255bfef95601890afd80709'),
      attr('hostname|port', 'c2.evil.example|443'),
      attr('regkey|value', 'HKCU\\Software\\Run|evil.exe'),
      attr('yara', 'rule x { condition: true }'),
    ], { Tag: [{ name: 'tlp:green' }] });
    const { objects } = map(e);
    const extra = { type: 'indicator', id: 'indicator--00000000-0000-4000-8000-00000000abcd', pattern: "[process:name = 'x']", pattern_type: 'stix' };
    const { event: out, skipped } = stixToMispEvent([...objects, extra], { info: 'export', now, ids: sequentialUuids(), org: { name: 'Shieldwall' } });
    expect(out.Event.Attribute!.map((a) => [a.type, a.value, a.Tag![0]!.name])).toEqual([
      ['ip-src', '198.51.100.7', 'tlp:red'],
      ['filename|sha1', 'a.exe|da39a3ee5e6b4b0d3255bfef95601890afd80709', 'tlp:green'],
      ['hostname|port', 'c2.evil.example|443', 'tlp:green'],
      ['regkey|value', 'HKEY_CURRENT_USER\\Software\\Run|evil.exe', 'tlp:green'],
      ['yara', 'rule x { condition: true }', 'tlp:green'],
    ]);
    expect(out.Event).toMatchObject({ info: 'export', distribution: '0', Tag: [{ name: 'tlp:red' }], Orgc: { name: 'Shieldwall' }, date: '2026-11-26' });
    expect(skipped).toMatchObject({ 'pattern not expressible in MISP': 1, 'report (not an indicator)': 1, 'identity (not an indicator)': 1 });
  });
});
