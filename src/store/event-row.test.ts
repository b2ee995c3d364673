import { describe, expect, it } from 'vitest';
import { eventRow, eventValues, eventValuesUtf8 } from './event-row.js';
import type { NewEvent } from './store.js';

const e: NewEvent = {
  id: 'x', orgId: 'o', time: 1, receivedAt: 2, source: 's', product: null, category: null, service: null,
  message: new TextEncoder().encode('Straße ✓'), dataJson: new TextEncoder().encode('{"k":"𝄞"}'),
};

describe('event rows', () => {
  it('gives text given as UTF-8 bytes as strings to the portable writers (PostgreSQL, Kysely)', () => {
    expect(eventValues(e, 'b', 0).slice(8, 10)).toEqual(['Straße ✓', '{"k":"𝄞"}']);
    expect(eventRow(e)).toMatchObject({ message: 'Straße ✓', data: '{"k":"𝄞"}' });
  });

  it('leaves the bytes as they are for SQLite, which casts them to text', () => {
    expect(eventValuesUtf8(e, 'b', 0).slice(8, 10)).toEqual([e.message, e.dataJson]);
  });

  it('refuses bytes that are not UTF-8 instead of storing replacement characters', () => {
    expect(() => eventValues({ ...e, message: Uint8Array.of(0xff) }, 'b', 0)).toThrow(TypeError);
  });
});
