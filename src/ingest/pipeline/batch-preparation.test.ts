import { describe, expect, it } from 'vitest';
import { sequentialIds } from '../../shared/ids.js';
import { HeldBatches, prepareBatch } from './batch-preparation.js';

const text = (v: unknown): string => new TextDecoder().decode(v as Uint8Array);

describe('prepareBatch', () => {
  it('answers each row’s message and data as UTF-8 views of one buffer, ASCII and not', () => {
    const lines = [
      JSON.stringify({ EventID: 4625, Channel: 'Security', Message: 'plain ascii' }),
      JSON.stringify({ EventID: 4625, Channel: 'Security', Message: 'Straße ✓ 𝄞 — grows the buffer' }),
      '<13>1 2026-01-01T00:00:00Z host app - - - syslog ü',
    ];
    const prepared = prepareBatch(
      { orgId: 'org-a', input: 'http', receivedAt: 1, records: lines, hold: false },
      sequentialIds('e'),
      new HeldBatches(0),
      { engine: 0, slot: 0, hold: 0 },
    );
    expect(prepared.rows).toHaveLength(3);
    for (const row of prepared.rows) {
      expect(row.dataJson).toBeInstanceOf(Uint8Array);
      expect((row.dataJson as Uint8Array).buffer).toBe(prepared.buffer);
      if (row.message !== null) expect((row.message as Uint8Array).buffer).toBe(prepared.buffer);
    }
    const data = prepared.rows.map((r) => JSON.parse(text(r.dataJson)) as { raw: Record<string, unknown> });
    expect(data[0]!.raw['Message']).toBe('plain ascii');
    expect(data[1]!.raw['Message']).toBe('Straße ✓ 𝄞 — grows the buffer');
    expect(text(prepared.rows[2]!.message)).toContain('syslog ü');
    // The raw line is embedded as received.
    expect(text(prepared.rows[1]!.dataJson)).toContain(lines[1]!);
  });
});
