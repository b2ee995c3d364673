import { isUtf8 } from 'node:buffer';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countLineRecords, invalidUtf8Offset, lineAt, lineText, splitLineRecords } from './line-records.js';

const testdata = fileURLToPath(new URL('../../../../shared/testdata/', import.meta.url));
const haveData = existsSync(`${testdata}suricata/otrf`) && existsSync(`${testdata}syslog/cef-samples.txt`);
if (!haveData) console.warn(`skipping line-record tests on real events: ${testdata} is absent`);

/** Real records: Suricata EVE lines (some with non-ASCII), CEF and syslog lines. */
function realLines(): string[] {
  const dir = `${testdata}suricata/otrf/`;
  const eve = readFileSync(dir + readdirSync(dir).find((f) => f.endsWith('.eve.json'))!, 'utf8').split('\n').filter((l) => l.trim()).slice(0, 50);
  const cef = readFileSync(`${testdata}syslog/cef-samples.txt`, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const syslog = readFileSync(`${testdata}syslog/logger-tcp-rfc5424-lf.tcp`, 'utf8').split('\n').filter(Boolean);
  return [...eve, ...cef, ...syslog];
}

describe.runIf(haveData)('splitLineRecords on real events', () => {
  it('keeps every line of a valid body at its index, skipping blank lines and CRs', () => {
    const lines = realLines();
    const body = Buffer.from(`${lines.slice(0, 3).join('\r\n')}\n\n${lines.slice(3).join('\n')}\n`);
    const { records, errors } = splitLineRecords(body, 65_536);
    expect(errors).toEqual([]);
    expect(records.slice(0, 3)).toEqual(lines.slice(0, 3));
    expect(3 in records).toBe(false);
    expect(records.slice(4)).toEqual(lines.slice(3));
    expect(Object.keys(records)).toHaveLength(lines.length);
  });

  it('refuses only the lines with invalid UTF-8, naming the line and byte, and keeps the others as in a valid body', () => {
    const lines = realLines().map((l) => Buffer.from(l));
    const syslog = lines.at(-1)!.toString('latin1');
    const broken: Buffer[] = [
      Buffer.from(syslog.replace('web01', 'w\u00ffb01'), 'latin1'), // a Latin-1 byte
      Buffer.concat([lines[0]!.subarray(0, 20), Buffer.from([0xc0, 0xaf]), lines[0]!.subarray(20)]), // overlong '/'
      Buffer.concat([lines[1]!, Buffer.from([0xe2, 0x82])]), // a euro sign cut short at the end
      Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), // an encoded surrogate
    ];
    const mixed = [lines[0]!, broken[0]!, lines[1]!, broken[1]!, lines[2]!, broken[2]!, broken[3]!, ...lines.slice(3)];
    const { records, errors } = splitLineRecords(Buffer.concat(mixed.flatMap((l) => [l, Buffer.from('\r\n')])), 65_536);
    expect(errors.map((e) => [e.index, e.code])).toEqual([[1, 'UTF8_INVALID'], [3, 'UTF8_INVALID'], [5, 'UTF8_INVALID'], [6, 'UTF8_INVALID']]);
    expect(errors[0]!.message).toContain('line 2');
    expect(errors[0]!.message).toContain(`byte ${broken[0]!.indexOf(0xff)} `);
    expect(errors[1]!.message).toContain('byte 20 ');
    expect(errors[2]!.message).toContain(`byte ${lines[1]!.length} `);
    expect(errors[3]!.message).toContain('byte 6 ');
    const valid = splitLineRecords(Buffer.from(mixed.map((l, i) => ([1, 3, 5, 6].includes(i) ? '' : l.toString())).join('\r\n')), 65_536);
    expect(records).toEqual(valid.records);
  });

  it('refuses lines over the byte limit with FRAME_TOO_LARGE, counting bytes, not characters', () => {
    const lines = realLines();
    const euro = `{"m":"${'\u20ac'.repeat(400)}"}`; // 400 characters of 3 bytes each
    const body = Buffer.from([lines[0], euro, `{"m":"${'a'.repeat(1000)}"}`, lines[1]].join('\n'));
    const limit = Math.max(Buffer.byteLength(lines[0]!), Buffer.byteLength(lines[1]!), 1010);
    const { records, errors } = splitLineRecords(body, limit);
    expect(errors.map((e) => [e.index, e.code])).toEqual([[1, 'FRAME_TOO_LARGE']]);
    expect(errors[0]!.message).toContain(`${Buffer.byteLength(euro)} bytes`);
    expect(records[0]).toBe(lines[0]);
    expect(records[2]).toHaveLength(1008);
    expect(records[3]).toBe(lines[1]);
    // The same line with invalid UTF-8 elsewhere in the body: still refused by its size.
    const withBad = splitLineRecords(Buffer.concat([body, Buffer.from([0x0a, 0xff])]), limit);
    expect(withBad.errors.map((e) => [e.index, e.code])).toEqual([[1, 'FRAME_TOO_LARGE'], [4, 'UTF8_INVALID']]);
    expect(withBad.records).toEqual(records);
  });
});

describe('splitLineRecords, line by line', () => {
  it('drops a byte order mark only at the start of the body and decodes each line as the whole body would', () => {
    const lines = ['{"a":"plain"}', '\ufeff{"b":"mark kept: not the first line"}', '{"c":"caf\u00e9 \u2019 \u{1f600}"}', '  ', '{"d":1}'];
    const body = Buffer.from('\ufeff' + lines.join('\r\n') + '\n');
    const { records, errors } = splitLineRecords(body, 65_536);
    expect(errors).toEqual([]);
    expect(records).toEqual(new TextDecoder('utf-8').decode(body).split('\n').map((l) => l.replace(/\r$/, '')).map((l) => (l.trim() ? l : undefined)).slice(0, 5));
    expect(records[0]).toBe(lines[0]);
    expect(records[1]!.charCodeAt(0)).toBe(0xfeff);
    expect(records[2]).toBe(lines[2]);
    expect(3 in records).toBe(false);
    expect(Object.keys(records)).toEqual(['0', '1', '2', '4']);
  });
});

describe('splitLineRecords without decoding', () => {
  it('leaves the spans of a valid body for lineText, which gives the decoding split’s records and holes', () => {
    const body = Buffer.from('\uFEFF{"a":"é"}\r\n\n   \n\u00A0\u2003\n' + 'x'.repeat(20) + '\n<13>1 - - - - - - 𝄞\n\uFEFFz', 'utf8');
    const decoded = splitLineRecords(body, 10);
    const lazy = splitLineRecords(body, 10, { decode: false });
    expect(lazy.undecoded).toBe(true);
    expect(lazy.records).toEqual([]);
    expect(lazy.errors).toEqual(decoded.errors);
    expect(decoded.errors.map((e) => e.index)).toEqual([4, 5]);
    const texts: (string | undefined)[] = [];
    lazy.starts.forEach((start, i) => (texts[i] = lineText(body, start, lazy.ends[i]!)));
    // Blank lines (ASCII or Unicode spaces) have a span but no text, as they are holes when decoded.
    expect(Object.keys(lazy.starts)).toEqual(['0', '2', '3', '6']);
    expect(texts.flatMap((t, i) => (t === undefined ? [] : [[i, t]]))).toEqual(decoded.records.flatMap((t, i) => [[i, t]]));
    expect(texts[6]).toBe('\uFEFFz');
  });

  it('decodes a body with invalid UTF-8 anyway (its lines are checked one by one)', () => {
    const body = Buffer.concat([Buffer.from('{"a":1}\n'), Buffer.from([0xff, 0x0a]), Buffer.from('{"b":2}')]);
    const lazy = splitLineRecords(body, 100, { decode: false });
    expect(lazy.undecoded).toBeUndefined();
    expect(lazy).toEqual(splitLineRecords(body, 100));
  });
});

describe('invalidUtf8Offset', () => {
  it('agrees with isUtf8 on random bytes and points at the first invalid sequence', () => {
    let x = 20261126;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pool = [0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xc0, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xef, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff];
    for (let n = 0; n < 5000; n++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => pool[Math.floor(rnd() * pool.length)]!);
      const at = invalidUtf8Offset(bytes);
      expect(at === -1, Buffer.from(bytes).toString('hex')).toBe(isUtf8(bytes));
      if (at >= 0) expect(isUtf8(bytes.subarray(0, at)), Buffer.from(bytes).toString('hex')).toBe(true);
    }
    expect(invalidUtf8Offset(Buffer.from('h\u00e9llo \u{1f600} \u20ac'))).toBe(-1);
  });
});

describe('countLineRecords', () => {
  it('counts the records splitLineRecords finds, on the bytes alone, and no fewer where a line turns out invalid', () => {
    const bodies = [
      '',
      '\n',
      '{"a":1}',
      '\ufeff{"a":1}\r\n\n \t \r\n<13>1 - - - - - - hi\n',
      '\ufeff\n{"b":"Straße ✓"}\n' + 'x'.repeat(20) + '\n  y\n',
    ].map((t) => Buffer.from(t));
    bodies.push(Buffer.concat([Buffer.from('{"a":1}\n'), Buffer.from([0x22, 0xff, 0x22]), Buffer.from('\n\n')]));
    for (const body of bodies) {
      const found = splitLineRecords(body, 16).records.filter(() => true).length;
      const invalid = splitLineRecords(body, 16).errors.filter((e) => e.code === 'UTF8_INVALID').length;
      expect(countLineRecords(body, 16), JSON.stringify(body.toString())).toBe(found + invalid);
    }
  });

  it('gives line `index` of a body as bytes, CR kept, empty past the end', () => {
    const body = Buffer.from('a\r\nbb\n\nccc');
    expect([0, 1, 2, 3, 4].map((i) => Buffer.from(lineAt(body, i)).toString())).toEqual(['a\r', 'bb', '', 'ccc', '']);
  });
});
