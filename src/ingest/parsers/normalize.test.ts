import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { detectFormat, parseEvent } from './normalize.js';
import { SyslogFramer } from './syslog-framing.js';
import { toEcsDocument, urlFields } from './ecs-fields.js';

const shared = fileURLToPath(new URL('../../../../shared/testdata/', import.meta.url));
const present = existsSync(shared + 'syslog') && existsSync(shared + 'suricata');
if (!present) console.warn(`format detection tests on real data skipped: ${shared} is absent`);
const clock = new ManualClock(Date.UTC(2026, 10, 25, 20, 0, 0));

function frames(file: string): Uint8Array[] {
  const framer = new SyslogFramer();
  return [...framer.push(readFileSync(shared + 'syslog/' + file)), ...framer.end()].map((r) => {
    if (!r.ok) throw new Error(r.error.message);
    return r.value.bytes;
  });
}

describe.skipIf(!present)('detectFormat and parseEvent on real records', () => {
  it('tells syslog 5424, 3164 and CEF frames apart', () => {
    expect(frames('logger-tcp-rfc5424-lf.tcp').map((f) => detectFormat(f))).toEqual(['syslog5424', 'syslog5424', 'syslog5424']);
    expect(frames('logger-tcp-rfc3164-octet.tcp').map((f) => detectFormat(f))).toEqual(['syslog3164', 'syslog3164', 'syslog3164']);
    expect(frames('logger-tcp-rfc3164-lf-cef.tcp').map((f) => detectFormat(f))).toEqual(Array(6).fill('cef'));
    expect(frames('rsyslog-tcp-rfc5424-octet.tcp').map((f) => detectFormat(f))).toEqual(['syslog5424', 'syslog5424', ...Array(6).fill('cef')]);
  });

  it('reads rsyslog JSON lines, including CEF inside the message', () => {
    const events = frames('rsyslog-tcp-json-lf.tcp').map((f) => parseEvent(f, { clock }));
    expect(events.every((e) => e.ok)).toBe(true);
    const ok = events.flatMap((e) => (e.ok ? [e.value] : []));
    expect(ok.map((e) => e.sourceFormat)).toEqual(['json', 'json', ...Array(6).fill('cef')]);
    expect(ok[0]!.ecs).toMatchObject({ 'host.name': 'web01', 'process.name': 'sshd', 'log.syslog.severity.name': 'warning', message: 'Failed password for invalid user admin from 203.0.113.5 port 50001 ssh2' });
    expect(ok[1]!.message).toBe('GET /cgi-bin/.%2e/.%2e/bin/sh HTTP/1.1 400');
    expect(ok[1]!.time).toBe(Date.UTC(2026, 10, 25, 19, 58, 6, 755));
    expect(ok[3]!.ecs['observer.vendor']).toBe('Check Point');
    expect(ok[3]!.raw['json']).toMatchObject({ host: 'fw-edge01' });
  });

  it('classifies every EVE line as eve and parses it', () => {
    const lines = readFileSync(shared + 'suricata/otrf/covenant_psremoting_command_2020-08-06115603.eve.json', 'utf8').split('\n').filter((l) => l.length > 0);
    expect(lines.every((l) => detectFormat(l) === 'eve')).toBe(true);
    const parsed = lines.map((l) => parseEvent(l));
    expect(parsed.filter((p) => p.ok && p.value.ecs['event.kind'] === 'alert')).toHaveLength(5);
  });

  it('parses the same syslog frame identically through parseEvent and with CEF-aware ECS', () => {
    const [frame] = frames('logger-tcp-rfc3164-lf-cef.tcp');
    const r = parseEvent(frame!, { clock });
    expect(r.ok && r.value.ecs).toMatchObject({ 'source.ip': '192.0.2.1', 'destination.ip': '198.51.100.2', 'source.port': 1232, 'log.syslog.appname': 'CEF-forwarder', 'host.name': 'fw-edge01' });
    expect(r.ok && r.value.time).toBe(Date.UTC(2026, 10, 25, 19, 57, 38));
  });
});

describe('detectFormat on objects, in the documented order', () => {
  it('classifies each kind', () => {
    expect(detectFormat({ Event: { System: { EventID: 1 } } })).toBe('windows');
    expect(detectFormat({ event_type: 'dns', timestamp: '2022-05-11T18:10:21Z' })).toBe('eve');
    expect(detectFormat({ EventID: 4624, Channel: 'Security' })).toBe('windows');
    expect(detectFormat({ winlog: { event_id: 1 } })).toBe('windows');
    expect(detectFormat({ ts: 1.5, uid: 'C1', conn_state: 'SF' })).toBe('zeek');
    expect(detectFormat({ ts: 1.5, _path: 'dns' })).toBe('zeek');
    expect(detectFormat({ message: 'hello' })).toBe('json');
    expect(detectFormat('CEF:0|a|b|c|d|e|1|')).toBe('cef');
    expect(detectFormat('plain text')).toBeUndefined();
    expect(detectFormat('{broken')).toBeUndefined();
  });

  it('parses generic JSON with the receive time when it has none, and rejects unknown text', () => {
    const r = parseEvent({ msg: 'x', hostname: 'h1' }, { receivedAt: 1234 });
    expect(r.ok && [r.value.time, r.value.sourceFormat, r.value.ecs['host.name'], r.value.message]).toEqual([1234, 'json', 'h1', 'x']);
    const bad = parseEvent('garbage line');
    expect(!bad.ok && bad.error.code).toBe('UNKNOWN_FORMAT');
    const badJson = parseEvent('{"a":');
    expect(!badJson.ok && badJson.error.code).toBe('JSON_INVALID');
    const spaced = parseEvent(new TextEncoder().encode('\n <13>Nov 25 19:57:32 h app: m'), { receivedAt: Date.UTC(2026, 10, 25) });
    expect(spaced.ok && [spaced.value.sourceFormat, spaced.value.message]).toEqual(['syslog3164', 'm']);
    const bare = parseEvent('CEF:0|V|P|1|s|n|5|src=192.0.2.9', { receivedAt: 99 });
    expect(bare.ok && [bare.value.sourceFormat, bare.value.time, bare.value.ecs['source.ip']]).toEqual(['cef', 99, '192.0.2.9']);
  });

  it('splits URLs into the ECS url fields', () => {
    expect(urlFields('/a/b?x=1&y=2', 'h.example', 8080)).toEqual({ 'url.original': '/a/b?x=1&y=2', 'url.path': '/a/b', 'url.query': 'x=1&y=2', 'url.full': 'http://h.example:8080/a/b?x=1&y=2', 'url.domain': 'h.example' });
    expect(urlFields('https://user@www.example.com:8443/p?q', undefined)).toEqual({ 'url.original': 'https://user@www.example.com:8443/p?q', 'url.path': '/p', 'url.query': 'q', 'url.full': 'https://user@www.example.com:8443/p?q', 'url.domain': 'www.example.com' });
    expect(urlFields('*', 'h', 80)).toEqual({ 'url.original': '*', 'url.path': '*' });
    expect(urlFields(undefined)).toEqual({});
  });

  it('nests flat ECS fields into an ECS document', () => {
    expect(toEcsDocument({ '@timestamp': 't', 'event.code': '1', 'event.kind': 'event', 'source.ip': '192.0.2.1', 'process.parent.pid': 4 })).toEqual({
      '@timestamp': 't', event: { code: '1', kind: 'event' }, source: { ip: '192.0.2.1' }, process: { parent: { pid: 4 } },
    });
  });
});
