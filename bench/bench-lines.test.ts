import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { lineAt, readLines } from './bench-lines.js';

describe('readLines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-lines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const a = join(dir, 'a.ndjson.gz');
  const b = join(dir, 'b.ndjson.gz');
  writeFileSync(a, gzipSync('{"n":1}\r\n\n  \n{"s":"caf\u00e9"}\n{"q":"it\u2019s"}\n{"n":4}'));
  writeFileSync(b, gzipSync('{"n":5}\n{"e":"\u{1F600}"}\n'));

  it('gives every non-blank line of every file in order, without its CR, whatever its characters', () => {
    const lines = readLines([a, b], Infinity);
    const all = Array.from({ length: lines.count }, (_, i) => lineAt(lines, i));
    expect(all).toEqual(['{"n":1}', '{"s":"caf\u00e9"}', '{"q":"it\u2019s"}', '{"n":4}', '{"n":5}', '{"e":"\u{1F600}"}']);
    expect(all.map((l) => JSON.parse(l) as unknown)).toHaveLength(6);
  });

  it('stops at the maximum', () => {
    const lines = readLines([a, b], 3);
    expect(lines.count).toBe(3);
    expect(lineAt(lines, 2)).toBe('{"q":"it\u2019s"}');
  });
});
