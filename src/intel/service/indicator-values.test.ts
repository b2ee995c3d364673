import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractIndicatorValues, patternFor } from './indicator-values.js';

const shared = path.resolve(import.meta.dirname, '../../../../shared');
const patterns = JSON.parse(readFileSync(path.join(shared, 'testdata/stix-patterns/patterns.json'), 'utf8')) as { pattern: string; valid: boolean }[];

function examplePatterns(): string[] {
  const dir = path.join(shared, 'content/stix/examples');
  const out: string[] = [];
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    if (!f.endsWith('.json')) continue;
    const text = readFileSync(path.join(dir, f), 'utf8');
    for (const m of text.matchAll(/"pattern": "((?:[^"\\]|\\.)*)"/g)) out.push(JSON.parse(`"${m[1]}"`) as string);
  }
  return out;
}

describe('extractIndicatorValues', () => {
  it('reads equality, IN and OR over the indexed object paths, normalising case', () => {
    expect(extractIndicatorValues("[ipv4-addr:value = '223.166.0.0/15']")).toEqual([{ type: 'ipv4-addr', value: '223.166.0.0/15' }]);
    expect(extractIndicatorValues("[domain-name:value IN ('A.example', 'b.example', 'a.example')]")).toEqual([
      { type: 'domain-name', value: 'a.example' },
      { type: 'domain-name', value: 'b.example' },
    ]);
    expect(
      extractIndicatorValues("[file:hashes.'SHA-256' = 'BF07A7FBB825FC0AAE7BF4A1177B2B31FCF8A3FEEAF7092761E18C859EE52A9C' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']"),
    ).toEqual([
      { type: 'sha256', value: 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' },
      { type: 'md5', value: 'cead3f77f6cda6ec00f57d76c9a6879f' },
    ]);
    expect(extractIndicatorValues("[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']")).toHaveLength(2);
  });

  it('gives nothing for complex patterns (AND, several observations, qualifiers, other operators or paths)', () => {
    for (const p of [
      "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:mime_type = 'application/x-pdf']",
      "[ipv4-addr:value = '1.2.3.4'] OR [domain-name:value = 'a.example']",
      "[ipv4-addr:value = '1.2.3.4'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
      "[domain-name:value LIKE '%.example']",
      "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
      "[file:size = 1280]",
    ]) {
      expect(extractIndicatorValues(p), p).toEqual([]);
    }
  });

  it('indexes every simple pattern of the OASIS examples and none of their compound ones', () => {
    const all = examplePatterns();
    expect(all.length).toBeGreaterThan(10);
    for (const p of all) {
      const simple = !/ AND |\]\s*(OR|AND|FOLLOWEDBY)\s*\[|WITHIN|REPEATS/.test(p) && /^\[(ipv4-addr|ipv6-addr|domain-name|url|file:hashes)/.test(p);
      if (simple) expect(extractIndicatorValues(p).length, p).toBeGreaterThan(0);
      if (/ AND /.test(p)) expect(extractIndicatorValues(p), p).toEqual([]);
    }
  });

  it('never throws on the shared valid and invalid pattern lists', () => {
    for (const { pattern } of patterns) expect(() => extractIndicatorValues(pattern)).not.toThrow();
  });

  it('round-trips a value through patternFor, quotes and backslashes included', () => {
    for (const v of [
      { type: 'url', value: "http://x.example/a'b\\c" },
      { type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
      { type: 'user-agent', value: 'Mozilla/5.0 (evil)' },
      { type: 'ipv6-addr', value: '2001:db8::/32' },
    ] as const) {
      expect(extractIndicatorValues(patternFor(v))).toEqual([v]);
    }
  });
});
