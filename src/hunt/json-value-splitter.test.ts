import { describe, expect, it } from 'vitest';
import { JsonValueSplitter, type JsonValueText } from './json-value-splitter.js';

/** Feeds `text` in chunks of `size` characters so every boundary position gets exercised. */
function split(text: string, size: number): { values: JsonValueText[]; splitter: JsonValueSplitter } {
  const s = new JsonValueSplitter();
  const values: JsonValueText[] = [];
  for (let i = 0; i < text.length; i += size) values.push(...s.push(text.slice(i, i + size)));
  values.push(...s.end());
  return { values, splitter: s };
}

describe('JsonValueSplitter', () => {
  const concatenated = '{"a":"x}{\\"y"}\n{\n  "b": [1, {"c": "]"}]\n}{"d":"\\\\"}';

  it('splits concatenated pretty-printed objects whatever the chunk size', () => {
    for (const size of [1, 2, 3, 5, 7, 64]) {
      const { values, splitter } = split(concatenated, size);
      expect(values.map((v) => JSON.parse(v.text))).toEqual([{ a: 'x}{"y' }, { b: [1, { c: ']' }] }, { d: '\\' }]);
      expect(splitter.errors).toEqual([]);
    }
  });

  it('reports the offset and line where each value starts', () => {
    const { values } = split(concatenated, 4);
    expect(values.map((v) => [v.offset, v.line])).toEqual([[0, 1], [15, 2], [41, 4]]);
    expect(concatenated.slice(15, 16)).toBe('{');
  });

  it('emits the elements of a top-level array one by one', () => {
    const { values, splitter } = split(' [ {"a":1} , {"b":"[,]"},\n3, "s", null ]', 3);
    expect(values.map((v) => v.text)).toEqual(['{"a":1}', '{"b":"[,]"}', '3', '"s"', 'null']);
    expect(splitter.errors).toEqual([]);
  });

  it('treats NDJSON as concatenated values (CRLF included)', () => {
    const { values } = split('{"a":1}\r\n{"a":2}\r\n', 5);
    expect(values.map((v) => JSON.parse(v.text))).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('reports a truncated value at the end with its start', () => {
    const { values, splitter } = split('{"a":1}\n{"b": "unterminated}', 4);
    expect(values).toHaveLength(1);
    expect(splitter.errors).toEqual([{ offset: 8, line: 2, message: expect.stringContaining('truncated') }]);
  });

  it('reports a stray closer and goes on', () => {
    const { values, splitter } = split('{"a":1}}{"b":2}', 2);
    expect(values.map((v) => v.text)).toEqual(['{"a":1}', '{"b":2}']);
    expect(splitter.errors).toEqual([{ offset: 7, line: 1, message: 'unexpected "}" between JSON values' }]);
  });

  it('reports a missing array end', () => {
    const { values, splitter } = split('[{"a":1},', 3);
    expect(values).toHaveLength(1);
    expect(splitter.errors[0]?.message).toContain('missing "]"');
  });

  it('keeps only the open value in memory between chunks', () => {
    const s = new JsonValueSplitter();
    const big = '{"k":"' + 'x'.repeat(1000) + '"}';
    for (let i = 0; i < 50; i++) s.push(big);
    expect((s as unknown as { buf: string }).buf.length).toBe(0);
  });
});
