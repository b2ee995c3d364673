import { describe, expect, it } from 'vitest';
import { detectZeekLogType, parseZeek } from './zeek-parser.js';

// No Zeek output exists in shared/testdata. These records are written by hand with the field
// names, types and layout Zeek 6 documents for its JSON logs (LogAscii::use_json=T: flat dotted
// `id.*` keys, `ts` in epoch seconds), modelled on the examples in docs.zeek.org's "Zeek Logs"
// pages; addresses are documentation ranges. They test the mapping, not Zeek itself.
const conn = { ts: 1591367999.305988, uid: 'CMdzit1AMNsmfAIiQc', 'id.orig_h': '192.0.2.76', 'id.orig_p': 53380, 'id.resp_h': '198.51.100.3', 'id.resp_p': 443, proto: 'tcp', service: 'ssl', duration: 0.46813, orig_bytes: 1197, resp_bytes: 4527, conn_state: 'SF', local_orig: true, local_resp: false, missed_bytes: 0, history: 'ShADadFf', orig_pkts: 12, orig_ip_bytes: 1829, resp_pkts: 11, resp_ip_bytes: 5099 };
const dns = { ts: 1591367999.306059, uid: 'CqlPpF1AQVLMPgGiL5', 'id.orig_h': '192.0.2.76', 'id.orig_p': 56946, 'id.resp_h': '192.0.2.1', 'id.resp_p': 53, proto: 'udp', trans_id: 22630, rtt: 0.0137, query: 'www.example.com', qclass: 1, qclass_name: 'C_INTERNET', qtype: 1, qtype_name: 'A', rcode: 0, rcode_name: 'NOERROR', AA: false, TC: false, RD: true, RA: true, Z: 0, answers: ['203.0.113.34'], TTLs: [3600.0], rejected: false };
const http = { ts: 1591367999.512593, uid: 'C5bLoe2Mvxqhawzqqd', 'id.orig_h': '192.0.2.76', 'id.orig_p': 46378, 'id.resp_h': '203.0.113.151', 'id.resp_p': 80, trans_depth: 1, method: 'GET', host: 'download.example.org', uri: '/pub/file.iso?mirror=1', version: '1.1', user_agent: 'Wget/1.21', request_body_len: 0, response_body_len: 1048576, status_code: 200, status_msg: 'OK', tags: [], resp_fuids: ['FaLdrZ1x7SjQ0Y5Lq'], resp_mime_types: ['application/x-iso9660-image'] };
const ssl = { ts: 1591367999.35, uid: 'CMdzit1AMNsmfAIiQc', 'id.orig_h': '192.0.2.76', 'id.orig_p': 53380, 'id.resp_h': '198.51.100.3', 'id.resp_p': 443, version: 'TLSv12', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', curve: 'secp256r1', server_name: 'www.example.net', resumed: false, established: true, ssl_history: 'CsxknGIi' };
const files = { ts: 1591368000.1, fuid: 'FaLdrZ1x7SjQ0Y5Lq', uid: 'C5bLoe2Mvxqhawzqqd', 'id.orig_h': '192.0.2.76', 'id.orig_p': 46378, 'id.resp_h': '203.0.113.151', 'id.resp_p': 80, source: 'HTTP', depth: 0, analyzers: ['MD5', 'SHA1'], mime_type: 'application/x-dosexec', filename: 'setup.exe', duration: 0.5, is_orig: false, seen_bytes: 4096, total_bytes: 4096, missing_bytes: 0, overflow_bytes: 0, timedout: false, md5: '44d88612fea8a8f36de82e1278abb02f', sha1: '3395856ce81f2b7382dee72602f798b642f14140' };
const notice = { ts: 1591368001.2, uid: 'CHhAvVGS1DHFjwGM9', 'id.orig_h': '203.0.113.9', 'id.orig_p': 40000, 'id.resp_h': '192.0.2.10', 'id.resp_p': 22, proto: 'tcp', note: 'SSH::Password_Guessing', msg: '203.0.113.9 appears to be guessing SSH passwords (seen in 30 connections).', sub: 'Sampled servers:  192.0.2.10', src: '203.0.113.9', actions: ['Notice::ACTION_LOG'], suppress_for: 3600.0 };
const weird = { ts: 1591368002.0, uid: 'CKTr4m3Z8NWVVRYu2', 'id.orig_h': '192.0.2.76', 'id.orig_p': 5353, 'id.resp_h': '224.0.0.251', 'id.resp_p': 5353, name: 'dns_unmatched_reply', addl: '', notice: false, peer: 'zeek', source: 'DNS' };
const kerberos = { ts: 1591368003.0, uid: 'CuZyqu3V0nbrIeVdHk', 'id.orig_h': '192.0.2.50', 'id.orig_p': 49750, 'id.resp_h': '192.0.2.5', 'id.resp_p': 88, request_type: 'AS', client: 'alice/EXAMPLE.LOCAL', service: 'krbtgt/EXAMPLE.LOCAL', success: true, cipher: 'rc4-hmac', forwardable: true, renewable: true };

describe('detectZeekLogType', () => {
  it('recognises each log from its fields, and prefers _path', () => {
    expect([conn, dns, http, ssl, files, notice, weird, kerberos].map(detectZeekLogType)).toEqual(['conn', 'dns', 'http', 'ssl', 'files', 'notice', 'weird', 'kerberos']);
    expect(detectZeekLogType({ ...conn, _path: 'conn_long' })).toBe('conn_long');
    expect(detectZeekLogType({ ts: 1, foo: 'bar' })).toBeUndefined();
  });
});

describe('parseZeek', () => {
  it('maps conn.log', () => {
    const r = parseZeek(JSON.stringify(conn));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.time).toBe(1591367999305);
    expect(r.value.logsource).toEqual({ product: 'zeek', service: 'conn' });
    expect(r.value.ecs).toMatchObject({
      '@timestamp': '2020-06-05T14:39:59.305Z', 'event.module': 'zeek', 'event.dataset': 'zeek.conn', 'event.id': 'CMdzit1AMNsmfAIiQc',
      'event.type': ['connection', 'info'], 'event.action': 'SF', 'event.duration': 468130000,
      'source.ip': '192.0.2.76', 'source.port': 53380, 'destination.ip': '198.51.100.3', 'destination.port': 443,
      'network.transport': 'tcp', 'network.protocol': 'ssl', 'source.bytes': 1197, 'destination.bytes': 4527, 'source.packets': 12,
    });
  });

  it('maps dns, http, ssl and files logs', () => {
    const d = parseZeek(dns);
    expect(d.ok && d.value.ecs).toMatchObject({ 'dns.question.name': 'www.example.com', 'dns.question.type': 'A', 'dns.response_code': 'NOERROR', 'network.protocol': 'dns', 'network.transport': 'udp' });
    const h = parseZeek(http);
    expect(h.ok && h.value.ecs).toMatchObject({ 'http.request.method': 'GET', 'url.domain': 'download.example.org', 'url.path': '/pub/file.iso', 'url.query': 'mirror=1', 'url.full': 'http://download.example.org/pub/file.iso?mirror=1', 'http.response.status_code': 200, 'user_agent.original': 'Wget/1.21' });
    const s = parseZeek(ssl);
    expect(s.ok && s.value.ecs).toMatchObject({ 'tls.client.server_name': 'www.example.net', 'tls.version': '1.2', 'tls.version_protocol': 'tls', 'network.protocol': 'tls' });
    const f = parseZeek(files);
    expect(f.ok && f.value.ecs).toMatchObject({ 'file.name': 'setup.exe', 'file.mime_type': 'application/x-dosexec', 'file.size': 4096, 'file.hash.md5': '44d88612fea8a8f36de82e1278abb02f', 'event.id': 'C5bLoe2Mvxqhawzqqd' });
  });

  it('maps notice and weird as alerts, kerberos with user and realm', () => {
    const n = parseZeek(notice);
    expect(n.ok && n.value.message).toBe(notice.msg);
    expect(n.ok && n.value.ecs).toMatchObject({ 'event.kind': 'alert', 'rule.name': 'SSH::Password_Guessing', 'source.ip': '203.0.113.9' });
    const w = parseZeek(weird);
    expect(w.ok && [w.value.ecs['event.kind'], w.value.ecs['rule.name'], w.value.message]).toEqual(['alert', 'dns_unmatched_reply', 'dns_unmatched_reply']);
    const k = parseZeek(kerberos);
    expect(k.ok && k.value.ecs).toMatchObject({ 'user.name': 'alice', 'user.domain': 'EXAMPLE.LOCAL', 'event.outcome': 'success', 'event.action': 'AS' });
  });

  it('reads nested id objects, ISO timestamps and files without a connection', () => {
    const nested = parseZeek({ ts: '2020-06-05T14:39:59.305988Z', uid: 'C1', id: { orig_h: '192.0.2.1', orig_p: 1, resp_h: '192.0.2.2', resp_p: 2 }, proto: 'tcp', conn_state: 'S0' });
    expect(nested.ok && [nested.value.time, nested.value.ecs['source.ip'], nested.value.ecs['destination.port']]).toEqual([1591367999305, '192.0.2.1', 2]);
    const legacyFiles = parseZeek({ ts: 1, fuid: 'F1', tx_hosts: ['203.0.113.1'], rx_hosts: ['192.0.2.1'], conn_uids: ['C1'], seen_bytes: 10 });
    expect(legacyFiles.ok && [legacyFiles.value.ecs['source.ip'], legacyFiles.value.ecs['destination.ip']]).toEqual(['203.0.113.1', '192.0.2.1']);
  });

  it('returns precise errors', () => {
    const noTs = parseZeek({ uid: 'C1', conn_state: 'S0' });
    expect(!noTs.ok && noTs.error).toMatchObject({ code: 'ZEEK_BAD_EVENT', field: 'ts' });
    const unknown = parseZeek({ ts: 1, foo: 1 });
    expect(!unknown.ok && unknown.error).toMatchObject({ code: 'ZEEK_BAD_EVENT', field: '_path' });
    const json = parseZeek('{"ts": ');
    expect(!json.ok && json.error.code).toBe('JSON_INVALID');
  });
});
