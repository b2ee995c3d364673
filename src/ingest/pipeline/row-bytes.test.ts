import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { sequentialIds } from '../../shared/ids.js';
import { loadRuleTexts } from '../../sigma/index.js';
import { InProcessDetectionEngine } from './detection-engine.js';
import type { EncodedEvent } from './event-encoding.js';
import { RowBytes, RowSizing } from './row-bytes.js';

const text = (v: unknown): string => new TextDecoder().decode(v as Uint8Array);
const encoded = (id: string, message: string | null, data: string): EncodedEvent => ({
  id, json: '',
  row: { id, orgId: 'o', time: 0, receivedAt: 0, source: 's', product: null, category: null, service: null, message, dataJson: data },
});

describe('RowBytes', () => {
  it('writes every row’s text as it comes and views it once finished, growing past its hint', () => {
    const rows = [encoded('a', 'Straße ✓', '{"x":1}'), encoded('b', null, '{"y":"𝄞"}'), encoded('c', 'm', 'z'.repeat(5000))];
    const bytes = new RowBytes(16);
    for (const r of rows) {
      bytes.add(r);
      // Until finish, the strings are gone from the row (they die young).
      expect(typeof r.row.dataJson).not.toBe('string');
    }
    const buffer = bytes.finish()!;
    expect(rows.map((r) => [r.row.message === null ? null : text(r.row.message), text(r.row.dataJson)])).toEqual([
      ['Straße ✓', '{"x":1}'], [null, '{"y":"𝄞"}'], ['m', 'z'.repeat(5000)],
    ]);
    for (const r of rows) expect((r.row.dataJson as Uint8Array).buffer).toBe(buffer);
  });

  it('writes over a buffer given back when it is large enough, and allocates otherwise', () => {
    const big = new ArrayBuffer(4096);
    const reused = new RowBytes(100, big);
    reused.add(encoded('a', 'hello', '{}'));
    expect(reused.finish()).toBe(big);
    const small = new ArrayBuffer(8);
    const fresh = new RowBytes(100, small);
    fresh.add(encoded('a', 'hello', '{}'));
    expect(fresh.finish()).not.toBe(small);
  });

  it('sizes the next buffer from what the last body made, so a Windows batch fits without growing', () => {
    const sizing = new RowSizing();
    expect(sizing.hint(1000)).toBe(1250);
    sizing.learn(1000, 1550);
    expect(sizing.hint(2000)).toBe(3100);
    // An empty body or no rows teaches nothing; the ratio stays within bounds.
    sizing.learn(0, 10);
    sizing.learn(10, 0);
    expect(sizing.hint(2000)).toBe(3100);
    sizing.learn(1, 1000);
    expect(sizing.hint(1)).toBe(8);
  });

  it('learns in an engine how many row bytes a body makes: the next new buffer fits without growing', () => {
    const engine = new InProcessDetectionEngine({ ruleSet: loadRuleTexts([]).ruleSet, correlations: [] }, new ManualClock(0), { ids: sequentialIds('e') });
    const line = JSON.stringify({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'h', Message: 'Process Create: '.repeat(40), Image: 'C:\\x.exe' });
    const body = new TextEncoder().encode(Array.from({ length: 200 }, () => line).join('\n'));
    const prepare = (hold: number) =>
      engine.prepareAs({ orgId: 'o', input: 'http', receivedAt: 1, records: [], lines: { body: body.slice(), maxLineBytes: 1 << 20 }, hold: false }, 0, hold);
    const first = prepare(1);
    const used = first.rows.reduce((n, r) => n + (r.message as Uint8Array).byteLength + (r.dataJson as Uint8Array).byteLength, 0);
    // The message is in each row twice: more than the first hint (1.25 times the body) and its tenth.
    expect(used).toBeGreaterThan(body.byteLength * 1.375);
    expect(first.buffer!.byteLength).toBeGreaterThanOrEqual(body.byteLength * 2.75); // grew to twice
    // Not recycled: the second batch gets a new buffer, sized from what the first one wrote.
    const second = prepare(2);
    expect(second.buffer!.byteLength).toBe(Math.ceil(used * 1.1));
  });

  it('is what an engine prepares the next batch into once a batch’s buffer is recycled', () => {
    const engine = new InProcessDetectionEngine({ ruleSet: loadRuleTexts([]).ruleSet, correlations: [] }, new ManualClock(0), { ids: sequentialIds('e') });
    const req = { orgId: 'o', input: 'http', receivedAt: 1, records: ['{"a":1}', '{"a":2}'], hold: false };
    const first = engine.prepareAs(req, 0, 1);
    engine.recycle(first.buffer!);
    const second = engine.prepareAs(req, 0, 2);
    expect(second.buffer).toBe(first.buffer);
    expect(second.rows.map((r) => JSON.parse(text(r.dataJson)).raw)).toEqual([{ a: 1 }, { a: 2 }]);
  });
});
