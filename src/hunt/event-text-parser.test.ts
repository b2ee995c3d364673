import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EventTextParser, type ParsedChunk } from './event-text-parser.js';

const datasets = fileURLToPath(new URL('../../../shared/testdata/security-datasets/datasets/', import.meta.url));
const haveData = existsSync(datasets);
if (!haveData) console.warn(`skipping EventTextParser byte tests on real events: ${datasets} is absent`);

function collect(parts: ParsedChunk[]): ParsedChunk {
  return { events: parts.flatMap((p) => p.events), malformed: parts.flatMap((p) => p.malformed) };
}

/** The reference: the whole input decoded at once and fed as text. */
function byText(bytes: Buffer): ParsedChunk {
  const p = new EventTextParser('f', 'lines');
  return collect([p.push(new TextDecoder('utf-8').decode(bytes)), p.end()]);
}

/** The same bytes fed in chunks cut at the given sizes (cycling), often inside a character. */
function byBytes(bytes: Buffer, sizes: number[]): ParsedChunk {
  const p = new EventTextParser('f', 'lines');
  const parts: ParsedChunk[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length]!;
    parts.push(p.pushBytes(bytes.subarray(at, at + n)));
    at += n;
  }
  parts.push(p.end());
  return collect(parts);
}

/** The first file of Security-Datasets holding non-ASCII lines, its first 3,000 lines. */
function realBytes(): Buffer {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(d + e.name + '/');
      else if (e.name.endsWith('.gz')) files.push(d + e.name);
    }
  };
  walk(datasets);
  for (const f of files) {
    const text = gunzipSync(readFileSync(f)).toString('utf8');
    if (/[^ -~\s]/.test(text)) return Buffer.from(text.split('\n').slice(0, 3000).join('\n'));
  }
  throw new Error('no Security-Datasets file holds a non-ASCII character');
}

describe('EventTextParser.pushBytes', () => {
  it('gives what decoding the whole input gives: BOM at the start only, CRLF, blank lines, bad JSON, invalid UTF-8, unfinished last line', () => {
    const input = Buffer.concat([
      Buffer.from('\ufeff{"a":"caf\u00e9"}\r\n\n{"b":"\u2019 \u{1f600}"}\n\ufeff{"c":1}\n[1]\n{bad\n'),
      Buffer.from([0x7b, 0x22, 0x64, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d, 0x0a]), // {"d":"<0xff>"}
      Buffer.from('{"e":"last, no newline"}'),
    ]);
    const want = byText(input);
    expect(want.events.map((e) => e.raw)).toEqual([{ a: 'caf\u00e9' }, { b: '\u2019 \u{1f600}' }, { d: '\ufffd' }, { e: 'last, no newline' }]);
    expect(want.malformed.map((m) => m.line)).toEqual([4, 5, 6]);
    for (const sizes of [[input.length], [1], [2, 3], [5, 1, 7], [64]]) expect(byBytes(input, sizes)).toEqual(want);
  });

  it.runIf(haveData)('reads real Security-Datasets lines exactly as the text path, whatever the chunk boundaries', () => {
    const bytes = realBytes();
    const want = byText(bytes);
    expect(want.events.length).toBeGreaterThan(2500);
    for (const sizes of [[65_536], [4096, 1, 333], [1_000_003]]) expect(byBytes(bytes, sizes)).toEqual(want);
  });

  it('refuses values mode', () => {
    expect(() => new EventTextParser('f', 'values').pushBytes(Buffer.from('{}'))).toThrow(/lines mode/);
  });
});
