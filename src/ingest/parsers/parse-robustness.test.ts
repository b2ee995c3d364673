import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEvent } from './normalize.js';
import { SyslogFramer } from './syslog-framing.js';

// Bad input must come back as a typed error, never as an exception: these tests feed the
// parsers real records with their members swapped for values of the wrong kind, and random bytes.
const shared = fileURLToPath(new URL('../../../../shared/testdata/', import.meta.url));
const present = existsSync(shared + 'suricata') && existsSync(shared + 'syslog');
if (!present) console.warn(`robustness tests on real records skipped: ${shared} is absent`);

let seed = 20261125;
const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
const oddValues: unknown[] = [null, 0, -1, 1.5, '', '-', 'x', [], [1, 'a'], {}, { a: { b: 1 } }, true, '0x', '99999999999999999999', 'NaN'];

/** A deep copy of `value` where each member is, with probability 1/3, replaced by an odd value. */
function mutate(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => mutate(v, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = rand(3) === 0 ? oddValues[rand(oddValues.length)] : mutate(v, depth + 1);
  return out;
}

describe.skipIf(!present)('parsers never throw', () => {
  it('on real EVE, Windows and Zeek-shaped records with members of the wrong kind', () => {
    const eve = readFileSync(shared + 'suricata/otrf/empire_shell_rubeus_asktgt_ptt_2020-09-21223848.eve.json', 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as unknown);
    const windows = [
      { Event: { System: { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'h', Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, TimeCreated: { '#attributes': { SystemTime: '2025-11-27T07:40:10.165324Z' } } }, EventData: { Image: 'C:\\a.exe', ProcessId: 4, Hashes: 'MD5=00' } } },
      { EventID: 4688, Channel: 'Security', Hostname: 'h', NewProcessId: '0x10', ProcessId: '0x4', NewProcessName: 'C:\\b.exe' },
      { TimeGenerated: '2022-05-13T08:54:05.21Z', Computer: 'w', Channel: 'Security', EventID: 5156, EventData: '<EventData><Data Name="SourceAddress">1.2.3.4</Data></EventData>' },
      { event_id: 4103, log_name: 'Microsoft-Windows-PowerShell/Operational', event_data: { Payload: 'x' }, user: { name: 'u' } },
    ];
    const zeek = [{ ts: 1591367999.3, uid: 'C1', 'id.orig_h': '192.0.2.1', 'id.orig_p': 1, proto: 'tcp', conn_state: 'SF', duration: 1 }, { ts: 1.5, _path: 'http', uri: '/a?b', method: 'GET' }];
    const records = [...eve, ...windows, ...zeek];
    let errors = 0;
    for (let round = 0; round < 40; round++) {
      for (const record of records) {
        const input = mutate(record) as Record<string, unknown>;
        let result: ReturnType<typeof parseEvent> | undefined;
        expect(() => { result = parseEvent(input, { receivedAt: 0 }); }, JSON.stringify(input).slice(0, 200)).not.toThrow();
        if (result !== undefined && !result.ok) {
          errors++;
          expect(result.error.code).toMatch(/^[A-Z_]+$/);
          expect(result.error.message.length).toBeGreaterThan(10);
        }
      }
    }
    // Some mutations hit the required fields (event_type, timestamp, EventID, ts): those must be errors.
    expect(errors).toBeGreaterThan(0);
  });

  it('on random bytes through the framer and parseEvent', () => {
    const alphabet = Buffer.from('<>0123456789 \n\r\0-[]="\\|:CEF{}abc\xff\xc3', 'latin1');
    const frames: Uint8Array[] = [];
    let framingErrors = 0;
    const framer = new SyslogFramer({ maxFrameBytes: 256 });
    for (let i = 0; i < 400; i++) {
      const chunk = Uint8Array.from({ length: 1 + rand(80) }, () => alphabet[rand(alphabet.length)]!);
      expect(() => {
        for (const r of framer.push(chunk)) if (r.ok) frames.push(r.value.bytes); else framingErrors++;
      }).not.toThrow();
    }
    expect(() => framer.end()).not.toThrow();
    // Random digits announce random octet counts; an oversized count skips that many bytes
    // (RFC 6587 keeps the stream in sync that way), so noise yields few results, but some.
    expect(frames.length + framingErrors).toBeGreaterThan(0);
    // Text that never starts with a digit is LF-framed: every line becomes a frame.
    const lines = new SyslogFramer();
    const letters = Buffer.from('<>[]="\\|:CEF{}abc \n\r\xff', 'latin1');
    for (let i = 0; i < 200; i++) {
      for (const r of lines.push(Uint8Array.from({ length: 1 + rand(60) }, () => letters[rand(letters.length)]!))) if (r.ok) frames.push(r.value.bytes);
    }
    expect(frames.length).toBeGreaterThan(100);
    for (const f of frames) expect(() => parseEvent(f, { receivedAt: 0 })).not.toThrow();
  });
});
