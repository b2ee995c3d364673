import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planFileParts, possibleParts } from './file-parts.js';

const dir = mkdtempSync(join(tmpdir(), 'sw-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('planFileParts', () => {
  it('cuts NDJSON just after newlines, into contiguous parts covering the file', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(i % 97) }));
    const p = join(dir, 'a.ndjson');
    writeFileSync(p, lines.join('\n')); // no final newline: the last part ends at the file's end
    const bytes = readFileSync(p);
    const parts = (await planFileParts(p, bytes.length, 7, 10_000))!;
    expect(parts).toHaveLength(7);
    expect(parts[0]!.from).toBe(0);
    expect(parts[parts.length - 1]!.to).toBe(bytes.length);
    parts.forEach((part, k) => {
      expect(part.unit).toBe('bytes');
      if (k > 0) {
        expect(part.from).toBe(parts[k - 1]!.to);
        expect(bytes[part.from - 1]).toBe(0x0a);
      }
    });
    const rejoined = parts.map((part) => bytes.subarray(part.from, part.to).toString()).join('');
    expect(rejoined.split('\n')).toEqual(lines);
  });

  it('leaves whole what cannot be entered in the middle, or is too small to split', async () => {
    const json = join(dir, 'a.json');
    writeFileSync(json, `[${'{"a":1},'.repeat(10_000)}{"a":1}]`);
    expect(await planFileParts(json, readFileSync(json).length, 4, 1000)).toBeUndefined();
    const small = join(dir, 'b.ndjson');
    writeFileSync(small, '{"a":1}\n{"a":2}\n');
    expect(await planFileParts(small, 16, 4, 1000)).toBeUndefined();
    // One line longer than a part: no cut inside it.
    const long = join(dir, 'c.ndjson');
    writeFileSync(long, `{"a":"${'y'.repeat(200_000)}"}\n{"b":1}\n`);
    const parts = await planFileParts(long, readFileSync(long).length, 8, 10_000);
    expect(parts).toEqual([{ unit: 'bytes', from: 0, to: 200_009 }, { unit: 'bytes', from: 200_009, to: 200_017 }]);
  });

  it('counts possible parts by name and size', () => {
    expect(possibleParts('x.evtx', 100, 10)).toBe(10);
    expect(possibleParts('x.JSONL', 25, 10)).toBe(2);
    expect(possibleParts('x.ndjson.gz', 1000, 10)).toBe(1);
    expect(possibleParts('x.json', 1000, 10)).toBe(1);
  });
});
