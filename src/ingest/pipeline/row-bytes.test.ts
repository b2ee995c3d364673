import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { sequentialIds } from '../../shared/ids.js';
import { loadRuleTexts } from '../../sigma/index.js';
import { InProcessDetectionEngine } from './detection-engine.js';
import type { EncodedEvent } from './event-encoding.js';
import { RowBytes } from './row-bytes.js';

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
