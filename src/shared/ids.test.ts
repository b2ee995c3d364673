import { describe, expect, it } from 'vitest';
import { timeOrderedIds } from './ids.js';

describe('timeOrderedIds', () => {
  it('makes version 7 UUIDs carrying the clock, which sort in the order of their times', () => {
    let now = Date.UTC(2026, 10, 26, 10, 40);
    const ids = timeOrderedIds(() => now);
    const made: string[] = [];
    for (let i = 0; i < 200; i++) {
      made.push(ids.next());
      now += i % 3 === 0 ? 1 : 0;
    }
    for (const id of made) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(made[0]!.replace('-', '').slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 26, 10, 40));
    expect(new Set(made).size).toBe(200);
    const times = made.map((id) => id.slice(0, 13));
    expect([...times].sort()).toEqual(times);
  });
});
