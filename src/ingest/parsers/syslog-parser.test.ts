import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { SyslogFramer } from './syslog-framing.js';
import { parseSyslog, type SyslogMessage } from './syslog-parser.js';

const dir = fileURLToPath(new URL('../../../../shared/testdata/syslog/', import.meta.url));
const present = existsSync(dir);
if (!present) console.warn(`syslog parser tests on captures skipped: ${dir} is absent`);

/** The captures were made on 2026-11-25 around 19:58 UTC. */
const captureDay = Date.UTC(2026, 10, 25, 20, 0, 0);
const clock = new ManualClock(captureDay);

function parsed(file: string): SyslogMessage {
  const r = parseSyslog(readFileSync(dir + file), { clock });
  if (!r.ok) throw new Error(`${file}: ${r.error.code} ${r.error.message}`);
  return r.value;
}
function error(input: string) {
  const r = parseSyslog(input, { clock });
  if (r.ok) throw new Error(`expected an error for ${input}`);
  return r.error;
}

describe.skipIf(!present)('parseSyslog on real RFC 5424 datagrams', () => {
  it('reads every header field, two SD elements and MSG from logger', () => {
    const m = parsed('logger-udp-rfc5424.01.udp');
    expect(m).toMatchObject({
      format: 'rfc5424', pri: 36, facility: 4, severity: 4, facilityName: 'auth', severityName: 'warning', version: 1,
      timestampText: '2026-11-25T19:57:31.300905+00:00', hostname: 'web01', appName: 'sshd', procId: null, msgId: 'AUTHFAIL',
      message: 'Failed password for root from 203.0.113.5 port 4242 ssh2', bom: false, invalidUtf8: false,
    });
    expect(m.time).toBe(Date.UTC(2026, 10, 25, 19, 57, 31, 300));
    expect(m.structuredData).toEqual([
      { id: 'timeQuality', params: { tzKnown: '1', isSynced: '0' } },
      { id: 'origin@32473', params: { ip: '203.0.113.5' } },
    ]);
  });

  it('reads PROCID and a NILVALUE MSGID', () => {
    const m = parsed('logger-udp-rfc5424.02.udp');
    expect([m.facilityName, m.severityName, m.procId, m.msgId]).toEqual(['authpriv', 'notice', '27146', null]);
    expect(m.message.startsWith('alice : TTY=pts/0')).toBe(true);
  });

  it('reads a message without structured data', () => {
    const m = parsed('logger-udp-rfc5424.03.udp');
    expect(m.structuredData).toEqual([]);
    expect([m.pri, m.facilityName, m.appName]).toEqual([12, 'user', 'kernel']);
    expect(m.message).toMatch(/^IN=eth0 OUT= MAC=.* DPT=23 WINDOW=29200 RES=0x00 SYN URGP=0$/);
  });

  it('handles rsyslog relays: trailing LF, no fraction, and the kept leading space', () => {
    const m = parsed('rsyslog-udp-rfc5424.01.udp');
    expect(m.time).toBe(Date.UTC(2026, 10, 25, 19, 58, 6));
    expect([m.procId, m.msgId]).toEqual(['28071', null]);
    expect(m.message).toBe(' Failed password for invalid user admin from 203.0.113.5 port 50001 ssh2');
    const nginx = parsed('rsyslog-udp-rfc5424.02.udp');
    expect(nginx.structuredData[1]).toEqual({ id: 'http@32473', params: { status: '400', src: '203.0.113.66' } });
    expect(nginx.msgId).toBe('ACCESS');
  });

  it('parses every frame of every capture that is syslog', () => {
    const manifest: { file: string; transport: string; format: string; messages: number }[] = JSON.parse(readFileSync(dir + 'manifest.json', 'utf8'));
    let count = 0;
    for (const entry of manifest) {
      if (entry.format.includes('JSON') || !/\.(udp|tcp)$/.test(entry.file)) continue;
      const bytes = readFileSync(dir + entry.file);
      const frames = entry.transport === 'udp' ? [bytes] : (() => { const f = new SyslogFramer(); return [...f.push(bytes), ...f.end()].map((r) => (r.ok ? r.value.bytes : new Uint8Array())); })();
      expect(frames, entry.file).toHaveLength(entry.messages);
      for (const frame of frames) {
        const r = parseSyslog(frame, { clock });
        expect(r.ok, `${entry.file}: ${r.ok ? '' : r.error.message}`).toBe(true);
        if (r.ok) {
          expect(r.value.format).toBe(entry.format.includes('5424') ? 'rfc5424' : 'rfc3164');
          expect(r.value.hostname).toMatch(/^(web01|fw-edge01)$/);
          expect(Math.abs((r.value.time ?? 0) - captureDay)).toBeLessThan(3_600_000);
        }
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(50);
  });
});

describe.skipIf(!present)('parseSyslog on real RFC 3164 frames', () => {
  it('reads tag, PID and resolves the missing year from the clock', () => {
    const m = parsed('logger-udp-rfc3164.01.udp');
    expect(m).toMatchObject({ format: 'rfc3164', pri: 38, severityName: 'info', hostname: 'web01', appName: 'sshd', procId: '27225', version: null });
    expect(m.time).toBe(Date.UTC(2026, 10, 25, 19, 57, 32));
    expect(m.message.startsWith('Accepted publickey for alice')).toBe(true);
  });

  it('takes the previous year when the clock is in early January', () => {
    const r = parseSyslog(readFileSync(dir + 'logger-udp-rfc3164.01.udp'), { referenceTime: Date.UTC(2027, 0, 2) });
    expect(r.ok && r.value.time).toBe(Date.UTC(2026, 10, 25, 19, 57, 32));
  });

  it('reads a tag without PID and UTF-8 text', () => {
    expect(parsed('logger-udp-rfc3164.02.udp')).toMatchObject({ appName: 'CRON', procId: null, facilityName: 'cron', message: '(root) CMD (/usr/local/bin/backup.sh > /dev/null 2>&1)' });
    const nginx = parsed('logger-udp-rfc3164.03.udp');
    expect(nginx.message.endsWith('utf8=ü✓')).toBe(true);
    expect(nginx.invalidUtf8).toBe(false);
  });

  it('does not require the colon after the tag (rsyslog traditional format)', () => {
    const lines = readFileSync(dir + 'rsyslog-tcp-traditional-lf.tcp', 'utf8').split('\n');
    const r = parseSyslog(lines[1]!, { clock });
    expect(r.ok && [r.value.appName, r.value.message]).toEqual(['nginx', 'GET /cgi-bin/.%2e/.%2e/bin/sh HTTP/1.1 400']);
    const cef = parseSyslog(lines[2]!, { clock });
    expect(cef.ok && [cef.value.appName, cef.value.message.slice(0, 6)]).toEqual(['CEF-forwarder', 'CEF:0|']);
  });
});

describe('parseSyslog variants and errors', () => {
  it('unescapes \\" \\\\ \\] in SD values and keeps other backslashes', () => {
    const r = parseSyslog('<13>1 - - - - - [ex@1 a="q\\"uo\\\\te\\]x" b="c\\d" a="again"] hi', { clock });
    expect(r.ok && r.value.structuredData).toEqual([{ id: 'ex@1', params: { a: ['q"uo\\te]x', 'again'], b: 'c\\d' } }]);
    expect(r.ok && [r.value.time, r.value.message]).toEqual([undefined, 'hi']);
  });

  it('removes a BOM at the start of MSG and flags it', () => {
    const bytes = Buffer.concat([Buffer.from('<13>1 2026-01-01T00:00:00Z h a - - - '), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('héllo')]);
    const r = parseSyslog(bytes, { clock });
    expect(r.ok && [r.value.bom, r.value.message]).toEqual([true, 'héllo']);
  });

  it('flags invalid UTF-8 and replaces the bad bytes', () => {
    const bytes = Buffer.concat([Buffer.from('<13>Nov 25 19:57:32 h app: bad '), Buffer.from([0xff, 0xc3]), Buffer.from(' end')]);
    const r = parseSyslog(bytes, { clock });
    expect(r.ok && [r.value.invalidUtf8, r.value.message]).toEqual([true, 'bad \ufffd\ufffd end']);
  });

  it('reads time offsets and fractions', () => {
    const r = parseSyslog('<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It\'s time', { clock });
    expect(r.ok && r.value.time).toBe(Date.UTC(2003, 7, 24, 12, 14, 15));
  });

  it('reads BSD variants: padded day, no hostname, no timestamp, CEF without tag, ISO time', () => {
    const padded = parseSyslog('<13>Nov  5 01:02:03 host app[9]: x', { clock });
    expect(padded.ok && [padded.value.time, padded.value.hostname, padded.value.procId]).toEqual([Date.UTC(2026, 10, 5, 1, 2, 3), 'host', '9']);
    const noHost = parseSyslog('<13>Nov 25 01:02:03 sshd[7]: x', { clock });
    expect(noHost.ok && [noHost.value.hostname, noHost.value.appName, noHost.value.message]).toEqual([null, 'sshd', 'x']);
    const noTime = parseSyslog('<13>app: just text', { clock });
    expect(noTime.ok && [noTime.value.time, noTime.value.timestampText, noTime.value.appName]).toEqual([captureDay, null, 'app']);
    const cef = parseSyslog('<134>Nov 25 19:57:38 fw01 CEF:0|V|P|1|1|n|3|src=1.2.3.4', { clock });
    expect(cef.ok && [cef.value.hostname, cef.value.appName, cef.value.message]).toEqual(['fw01', null, 'CEF:0|V|P|1|1|n|3|src=1.2.3.4']);
    const iso = parseSyslog('<13>2026-11-25T19:57:32.5+01:00 host app: m', { clock });
    expect(iso.ok && iso.value.time).toBe(Date.UTC(2026, 10, 25, 18, 57, 32, 500));
  });

  it('applies the configured zone to BSD timestamps', () => {
    const r = parseSyslog('<13>Nov 25 19:57:32 h a: m', { clock, timezoneOffsetMinutes: 60 });
    expect(r.ok && r.value.time).toBe(Date.UTC(2026, 10, 25, 18, 57, 32));
  });

  it('returns precise errors', () => {
    expect(error('')).toMatchObject({ code: 'SYSLOG_EMPTY' });
    expect(error('hello')).toMatchObject({ code: 'SYSLOG_BAD_PRI', offset: 0 });
    expect(error('<192>x')).toMatchObject({ code: 'SYSLOG_BAD_PRI' });
    expect(error('<013>x')).toMatchObject({ code: 'SYSLOG_BAD_PRI' });
    expect(error('<13x')).toMatchObject({ code: 'SYSLOG_BAD_PRI', offset: 3 });
    expect(error('<13>2 - - - - - -')).toMatchObject({ code: 'SYSLOG_BAD_VERSION', field: 'VERSION' });
    expect(error('<13>1 2026-13-01T00:00:00Z h a - - -')).toMatchObject({ code: 'SYSLOG_BAD_TIMESTAMP', offset: 6 });
    expect(error('<13>1 2026-11-01T00:00:00Z h')).toMatchObject({ code: 'SYSLOG_BAD_HEADER', field: 'APP-NAME' });
    expect(error('<13>1 - h a - - [x a="1"')).toMatchObject({ code: 'SYSLOG_BAD_STRUCTURED_DATA', offset: 24 });
    expect(error('<13>1 - h a - - [x a="1')).toMatchObject({ code: 'SYSLOG_BAD_STRUCTURED_DATA' });
    expect(error('<13>1 - h a - - x')).toMatchObject({ code: 'SYSLOG_BAD_STRUCTURED_DATA', offset: 16 });
    expect(error('<13>1 - h a - - [x]y')).toMatchObject({ code: 'SYSLOG_BAD_STRUCTURED_DATA', offset: 19 });
    expect(error('<13>Feb 30 01:02:03 h a: m')).toMatchObject({ code: 'SYSLOG_BAD_TIMESTAMP' });
  });

  it('never throws on random bytes', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256);
    const prefixes = ['<13>1 ', '<13>', '<13>1 - h a - - [', ''];
    for (let i = 0; i < 2000; i++) {
      const tail = Uint8Array.from({ length: i % 60 }, rand);
      const bytes = Buffer.concat([Buffer.from(prefixes[i % prefixes.length]!), tail]);
      expect(() => parseSyslog(bytes, { clock })).not.toThrow();
    }
  });
});
