import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseEve } from './eve-parser.js';
import type { NormalizedEvent } from './normalized-event.js';

const dir = fileURLToPath(new URL('../../../../shared/testdata/suricata/', import.meta.url));
const present = existsSync(dir);
if (!present) console.warn(`EVE tests on real output skipped: ${dir} is absent`);

function eveFiles(): string[] {
  if (!present) return [];
  const otrf = readdirSync(dir + 'otrf').filter((f) => f.endsWith('.eve.json')).map((f) => `otrf/${f}`);
  const verify = readdirSync(dir + 'suricata-verify', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `suricata-verify/${d.name}/eve.json`);
  return [...otrf, ...verify];
}
function parseFile(file: string): NormalizedEvent[] {
  return readFileSync(dir + file, 'utf8').split('\n').filter((l) => l.length > 0).map((line, i) => {
    const r = parseEve(line);
    if (!r.ok) throw new Error(`${file}:${i + 1}: ${r.error.code} ${r.error.message}`);
    return r.value;
  });
}
const byType = (events: NormalizedEvent[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const e of events) out[String(e.raw['event_type'])] = (out[String(e.raw['event_type'])] ?? 0) + 1;
  return out;
};

/** Reads a dotted EVE path with `[i]` indexes, as suricata-verify's `match` keys are written. */
function at(obj: unknown, path: string): unknown {
  let node = obj;
  for (const part of path.split('.')) {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(part);
    if (m === null || typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[m[1]!];
    for (const idx of (m[2] ?? '').match(/\d+/g) ?? []) node = Array.isArray(node) ? node[Number(idx)] : undefined;
  }
  return node;
}
/** suricata-verify filter semantics for the operators the copied tests use; others are reported. */
function matches(raw: Record<string, unknown>, match: Record<string, unknown>): boolean {
  for (const [key, want] of Object.entries(match)) {
    if (key === 'has-key') { if (at(raw, String(want)) === undefined) return false; continue; }
    if (key === 'not-has-key') { if (at(raw, String(want)) !== undefined) return false; continue; }
    const op = /__(contains|startswith|endswith|find|len|gt|gte|lt|lte)$/.exec(key);
    const got = at(raw, op === null ? key : key.slice(0, op.index));
    if (op === null) { if (String(got) !== String(want)) return false; continue; }
    const v = got as string | number | unknown[];
    const ok = op[1] === 'contains' ? (Array.isArray(v) ? v.includes(want) : String(v).includes(String(want)))
      : op[1] === 'startswith' ? String(v).startsWith(String(want))
      : op[1] === 'endswith' ? String(v).endsWith(String(want))
      : op[1] === 'find' ? String(v).includes(String(want))
      : op[1] === 'len' ? (Array.isArray(v) || typeof v === 'string') && v.length === Number(want)
      : op[1] === 'gt' ? Number(v) > Number(want) : op[1] === 'gte' ? Number(v) >= Number(want)
      : op[1] === 'lt' ? Number(v) < Number(want) : Number(v) <= Number(want);
    if (!ok) return false;
  }
  return true;
}

describe.skipIf(!present)('parseEve on real Suricata 7.0.10 output', () => {
  it('parses every line of all 16 EVE files', () => {
    const files = eveFiles();
    expect(files).toHaveLength(16);
    let total = 0;
    for (const f of files) total += parseFile(f).length;
    expect(total).toBeGreaterThan(2300);
  });

  it('counts event types per pcap as the README table states', () => {
    const expected: Record<string, Record<string, number>> = {
      'pcap_log4shell_cve2021_44228_jndi_reference_2022-05-11181020': { alert: 7, http: 2, fileinfo: 2, flow: 4, stats: 1 },
      'pcap_log4shell_cve2021_44228_java_serialized_2022-05-13045800': { alert: 7, http: 7, fileinfo: 8, flow: 3, stats: 1 },
      'mimikatz_CVE-2020-1472_Unauthenticated_NetrServerAuthenticate2_2020-09-16233923': { dcerpc: 894, smb: 7, flow: 4 },
      'empire_shell_rubeus_asktgt_ptt_2020-09-21223848': { alert: 1, krb5: 2, smb: 7, dns: 5, anomaly: 1, flow: 5 },
      'empire_ninjacopy_dumping_ntds_dit_file': { dns: 263, http: 24, fileinfo: 28, flow: 279 },
      'covenant_psremoting_command_2020-08-06115603': { alert: 5, anomaly: 5, http: 18, smb: 7, dns: 4, fileinfo: 2, flow: 7 },
    };
    for (const [name, counts] of Object.entries(expected)) {
      const events = parseFile(`otrf/${name}.eve.json`);
      const types = byType(events);
      expect(types, name).toMatchObject(counts);
      expect(types['alert'] ?? 0, `${name}: alerts`).toBe(counts['alert'] ?? 0);
      expect(events.filter((e) => e.ecs['event.kind'] === 'alert')).toHaveLength(counts['alert'] ?? 0);
      const times = events.filter((e) => e.raw['event_type'] !== 'stats').map((e) => e.time);
      // pcap time, not run time: every traffic event predates the 2026 run that produced the file.
      expect(Math.max(...times), name).toBeLessThan(Date.UTC(2024, 0, 1));
    }
  });

  it('counts event types as the README states (Rubeus pcap)', () => {
    const events = parseFile('otrf/empire_shell_rubeus_asktgt_ptt_2020-09-21223848.eve.json');
    expect(byType(events)).toMatchObject({ alert: 1, krb5: 2, smb: 7, dns: 5, anomaly: 1, flow: 5 });
    const asRep = events.find((e) => e.raw['event_type'] === 'krb5' && e.ecs['event.action'] === 'KRB_AS_REP')!;
    expect(asRep.ecs).toMatchObject({ 'user.name': 'pgustavo', 'user.domain': 'THESHIRE.LOCAL', 'event.category': ['network', 'authentication'] });
    const alert = events.find((e) => e.ecs['event.kind'] === 'alert')!;
    expect(alert.ecs).toMatchObject({ 'rule.id': '2226001', 'rule.name': 'SURICATA Kerberos 5 weak encryption parameters', 'network.protocol': 'krb5' });
  });

  it('maps a Log4Shell ET alert with its inline http object', () => {
    const events = parseFile('otrf/pcap_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.eve.json');
    const alerts = events.filter((e) => e.ecs['event.kind'] === 'alert');
    expect(alerts.map((a) => Number(a.ecs['rule.id'])).sort()).toEqual([2034647, 2034649, 2034661, 2034700, 2034759, 2034783, 2034800]);
    const first = alerts.find((a) => a.ecs['rule.id'] === '2034647')!;
    expect(first.time).toBe(Date.UTC(2022, 4, 11, 18, 10, 22, 56));
    expect(first.message).toBe('ET EXPLOIT Apache log4j RCE Attempt (http ldap) (CVE-2021-44228)');
    expect(first.ecs).toMatchObject({
      '@timestamp': '2022-05-11T18:10:22.056Z', 'event.category': ['network', 'intrusion_detection'], 'event.type': ['allowed'],
      'event.action': 'allowed', 'event.severity': 1, 'event.module': 'suricata', 'event.dataset': 'suricata.alert',
'source.ip': '192.168.2.6', 'source.port': 38782, 'destination.ip': '192.168.2.5',
      'destination.port': 8080, 'network.transport': 'tcp', 'network.protocol': 'http', 'rule.category': 'Attempted Administrator Privilege Gain',
      'threat.technique.id': ['T1190'], 'url.original': '/Log4j-2.14.0-SNAPSHOT/api', 'url.path': '/Log4j-2.14.0-SNAPSHOT/api',
      'url.domain': '192.168.2.5', 'url.full': 'http://192.168.2.5:8080/Log4j-2.14.0-SNAPSHOT/api', 'http.request.method': 'GET', 'http.response.status_code': 200,
      'user_agent.original': '${jndi:ldap://192.168.2.6:1389/o=reference}',
    });
    expect(first.raw['flow_id']).toBe(1323812402626059);
    expect(first.ecs['event.id']).toBeUndefined();
    const stats = events.find((e) => e.raw['event_type'] === 'stats')!;
    expect(stats.ecs['event.kind']).toBe('metric');
  });

  it('maps flow, dns, fileinfo and tls records', () => {
    const ntds = parseFile('otrf/empire_ninjacopy_dumping_ntds_dit_file.eve.json');
    expect(byType(ntds)).toMatchObject({ dns: 263, http: 24, fileinfo: 28, flow: 279 });
    const dns = ntds.find((e) => e.raw['event_type'] === 'dns')!;
    expect(dns.ecs).toMatchObject({ 'dns.question.name': 'umwatson.events.data.microsoft.com', 'dns.question.type': 'A', 'network.transport': 'udp', 'source.ip': 'fe80:0000:0000:0000:3b31:a8fa:5adc:7b9e' });
    const file = ntds.find((e) => e.raw['event_type'] === 'fileinfo')!;
    expect(file.ecs).toMatchObject({ 'file.path': '/admin/get.php', 'file.name': 'get.php', 'file.size': 5460, 'event.category': ['network', 'file'] });
    const flow = ntds.find((e) => e.raw['event_type'] === 'flow' && e.ecs['network.transport'] === 'tcp')!;
    expect(flow.ecs['event.type']).toEqual(['connection', 'end']);
    expect(typeof flow.ecs['source.bytes']).toBe('number');
    expect(flow.ecs['event.duration']).toBeGreaterThanOrEqual(0);
    const tls = parseFile('suricata-verify/community-id-ipv4/eve.json').find((e) => e.raw['event_type'] === 'tls')!;
    expect(tls.ecs).toMatchObject({ 'tls.client.server_name': 'ipv4.google.com', 'tls.version': '1.3', 'tls.version_protocol': 'tls', 'network.community_id': '1:IwiTNfuO7aCaamMijl+7/X9uLx0=' });
    const smb = parseFile('suricata-verify/smb2-01/eve.json').filter((e) => e.raw['event_type'] === 'smb');
    expect(smb.some((e) => e.ecs['file.path'] === '<share_root>')).toBe(false);
    expect(smb.filter((e) => e.ecs['file.name'] !== undefined).length).toBeGreaterThan(0);
    const nx = parseFile('suricata-verify/dns-eve-v2-udp-nxdomain-soa/eve.json').find((e) => e.ecs['dns.response_code'] !== undefined)!;
    expect(nx.ecs['dns.response_code']).toBe('NXDOMAIN');
  });

  it('keeps raw records intact: every suricata-verify filter count holds on parsed events', () => {
    let checked = 0;
    for (const name of readdirSync(dir + 'suricata-verify', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
      const spec = parseYaml(readFileSync(`${dir}suricata-verify/${name}/test.yaml`, 'utf8')) as { checks?: { filter?: { count: number; match: Record<string, unknown> } }[] };
      const events = parseFile(`suricata-verify/${name}/eve.json`);
      for (const check of spec.checks ?? []) {
        if (check.filter === undefined) continue;
        const count = events.filter((e) => matches(e.raw, check.filter!.match)).length;
        expect(count, `${name}: ${JSON.stringify(check.filter.match)}`).toBe(check.filter.count);
        checked++;
      }
    }
    expect(checked).toBe(32);
  });
});

describe('parseEve errors', () => {
  it('rejects bad JSON, non-objects and records without event_type or a time', () => {
    const bad = parseEve('{"event_type": "alert",');
    expect(!bad.ok && bad.error.code).toBe('JSON_INVALID');
    const arr = parseEve('[1]');
    expect(!arr.ok && arr.error).toMatchObject({ code: 'JSON_INVALID', message: 'expected a JSON object, got array' });
    const noType = parseEve({ timestamp: '2022-05-11T18:10:21.981268+0000' });
    expect(!noType.ok && noType.error).toMatchObject({ code: 'EVE_BAD_EVENT', field: 'event_type' });
    const badTime = parseEve({ event_type: 'dns', timestamp: 'yesterday' });
    expect(!badTime.ok && badTime.error).toMatchObject({ code: 'EVE_BAD_EVENT', field: 'timestamp' });
  });

  it('tolerates wrong-typed members without throwing', () => {
    const r = parseEve({ event_type: 'alert', timestamp: '2022-05-11T18:10:21Z', alert: 'x', http: [1], src_port: 'abc', dns: { queries: [{ rrname: 'a.example' }] } });
    expect(r.ok && r.value.ecs['source.port']).toBeUndefined();
    expect(r.ok && r.value.ecs['dns.question.name']).toBe('a.example');
  });
});
