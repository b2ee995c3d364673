import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SyslogFramer, type FramingMethod, type SyslogFrame } from './syslog-framing.js';
import type { ParseResult } from './parse-result.js';

const dir = fileURLToPath(new URL('../../../../shared/testdata/syslog/', import.meta.url));
const present = existsSync(dir);
if (!present) console.warn(`syslog framing tests skipped: ${dir} is absent`);

interface ManifestEntry { file: string; transport: string; messages: number }
const manifest: ManifestEntry[] = present ? JSON.parse(readFileSync(dir + 'manifest.json', 'utf8')) : [];
const tcpCaptures = manifest.filter((m) => m.transport === 'tcp');

function frameAll(chunks: Uint8Array[], max?: number, method?: FramingMethod): ParseResult<SyslogFrame>[] {
  const framer = new SyslogFramer({ ...(max === undefined ? {} : { maxFrameBytes: max }), ...(method === undefined ? {} : { method }) });
  const out = chunks.flatMap((c) => framer.push(c));
  return [...out, ...framer.end()];
}
const text = (r: ParseResult<SyslogFrame>): string => (r.ok ? Buffer.from(r.value.bytes).toString('utf8') : `ERR ${r.error.code}`);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe.skipIf(!present)('SyslogFramer on the real TCP captures', () => {
  it('finds every capture in the manifest', () => {
    expect(tcpCaptures.length).toBe(8);
  });

  for (const entry of tcpCaptures) {
    it(`${entry.file}: ${entry.messages} frames, the same at every split offset`, () => {
      const bytes = readFileSync(dir + entry.file);
      const whole = frameAll([bytes]);
      expect(whole.every((r) => r.ok)).toBe(true);
      expect(whole).toHaveLength(entry.messages);
      const expected = whole.map(text);
      for (const m of expected) {
        expect(m.endsWith('\n')).toBe(false);
        expect(m.startsWith('<') || m.startsWith('{')).toBe(true);
      }
      for (let cut = 1; cut < bytes.length; cut++) {
        const got = frameAll([bytes.subarray(0, cut), bytes.subarray(cut)]).map(text);
        expect(got, `split at ${cut}`).toEqual(expected);
      }
    });
  }

  it('frames a capture fed one byte at a time, with stream offsets', () => {
    const bytes = readFileSync(dir + 'logger-tcp-rfc5424-octet.tcp');
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    const frames = frameAll(chunks);
    expect(frames.map((f) => (f.ok ? f.value.offset : -1))).toEqual([0, 172, 345]);
    expect(frames.every((f) => f.ok && f.value.method === 'octet-counting')).toBe(true);
  });

  it('frames random multi-chunk splits of all captures concatenated across frame types', () => {
    // Deterministic LCG so a failure reproduces.
    let seed = 42;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (const entry of tcpCaptures) {
      const bytes = readFileSync(dir + entry.file);
      for (let round = 0; round < 50; round++) {
        const chunks: Uint8Array[] = [];
        let at = 0;
        while (at < bytes.length) {
          const n = 1 + rand(40);
          chunks.push(bytes.subarray(at, at + n));
          at += n;
        }
        const frames = frameAll(chunks);
        expect(frames.filter((f) => f.ok)).toHaveLength(entry.messages);
      }
    }
  });

  it('strips the LF that rsyslog counts inside an octet frame', () => {
    const frames = frameAll([readFileSync(dir + 'rsyslog-tcp-rfc5424-octet.tcp')]);
    expect(text(frames[0]!)).toBe('<36>1 2026-11-25T19:58:06+00:00 web01 sshd 28071 - -  Failed password for invalid user admin from 203.0.113.5 port 50001 ssh2');
  });
});

describe('SyslogFramer edge cases', () => {
  it('tolerates CRLF and NUL terminators', () => {
    expect(frameAll([enc('<13>a\r\n<13>b\0<13>c\n')]).map(text)).toEqual(['<13>a', '<13>b', '<13>c']);
  });

  it('returns a final LF-less line at end()', () => {
    expect(frameAll([enc('<13>a\n<13>tail')]).map(text)).toEqual(['<13>a', '<13>tail']);
  });

  it('reports a giant line once and resyncs at the next LF', () => {
    const giant = 'x'.repeat(100);
    const out = frameAll([enc(`<13>ok\n<13>${giant}`), enc(`${giant}\n<13>after\n`)], 64);
    expect(out.map(text)).toEqual(['<13>ok', 'ERR FRAME_TOO_LARGE', '<13>after']);
    expect(out[1]!.ok ? 0 : out[1]!.error.offset).toBe(7);
  });

  it('skips an octet frame whose count exceeds the limit, then continues', () => {
    const out = frameAll([enc(`80 <13>${'y'.repeat(76)}5 <13>z`)], 64);
    expect(out.map(text)).toEqual(['ERR FRAME_TOO_LARGE', '<13>z']);
  });

  it('reports a truncated octet-counted frame with announced and received sizes', () => {
    const out = frameAll([enc('6 <13>a\n12 <13>ab')]);
    expect(out.map(text)).toEqual(['<13>a', 'ERR FRAME_TRUNCATED']);
    const err = out[1]!;
    expect(err.ok).toBe(false);
    if (!err.ok) {
      expect(err.error.offset).toBe(8);
      expect(err.error.message).toContain('12 bytes announced, 6 received');
    }
  });

  it('reports a count not followed by a space and resyncs at the next LF', () => {
    const out = frameAll([enc('12x <13>junk\n<13>next\n')]);
    expect(out.map(text)).toEqual(['ERR FRAME_BAD_OCTET_COUNT', '<13>next']);
  });

  it('rejects an absurdly long count', () => {
    const out = frameAll([enc('123456789012345 x\n<13>n\n')]);
    expect(out.map(text)).toEqual(['ERR FRAME_BAD_OCTET_COUNT', '<13>n']);
  });

  it('keeps an LF-framed connection LF-framed when a line starts with a digit', () => {
    expect(frameAll([enc('<13>a\n2026-11-25 12:00 plain text\n<13>b')]).map(text)).toEqual(['<13>a', '2026-11-25 12:00 plain text', '<13>b']);
  });

  it('accepts an LF-framed <PRI> line on an octet-counting connection', () => {
    expect(frameAll([enc('5 <13>a<13>b\n6 <13>cd')]).map(text)).toEqual(['<13>a', '<13>b', '<13>cd']);
  });

  it('honours a forced method', () => {
    expect(frameAll([enc('12 <13>abc\n')], undefined, 'non-transparent').map(text)).toEqual(['12 <13>abc']);
    expect(frameAll([enc('<13>x\n5 <13>y')], undefined, 'octet-counting').map(text)).toEqual(['ERR FRAME_BAD_OCTET_COUNT', '<13>y']);
  });

  it('keeps frames valid after later pushes reuse the internal buffer', () => {
    const framer = new SyslogFramer();
    const first = [...framer.push(enc('<13>al')), ...framer.push(enc('pha\n<13>be'))];
    framer.push(enc('ta\n<13>gamma-gamma-gamma\n'));
    expect(first.map(text)).toEqual(['<13>alpha']);
  });

  it('frames a 60 KB line arriving one byte per chunk in linear time', () => {
    const line = enc(`<13>${'z'.repeat(60_000)}\n`);
    const framer = new SyslogFramer();
    const started = performance.now();
    const out: string[] = [];
    for (let i = 0; i < line.length; i++) for (const r of framer.push(line.subarray(i, i + 1))) out.push(text(r));
    expect(out).toHaveLength(1);
    expect(out[0]!.length).toBe(60_004);
    // Quadratic copying/scanning would take several seconds here; linear is a few ms.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('reports the method of the first frame', () => {
    const framer = new SyslogFramer();
    expect(framer.detectedMethod).toBeUndefined();
    framer.push(enc('5 <13>a'));
    expect(framer.detectedMethod).toBe('octet-counting');
  });
});
