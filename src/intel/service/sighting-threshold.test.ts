import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { SightingThreshold } from './sighting-threshold.js';

describe('SightingThreshold', () => {
  it('confirms once when the sightings within the window reach the threshold, to the millisecond', () => {
    const clock = new ManualClock(1_000_000);
    const t = new SightingThreshold({ threshold: 3, windowMs: 60_000, clock });
    expect(t.record('indicator--a', 1)).toBe(false);
    clock.advance(59_999);
    expect(t.record('indicator--a', 1)).toBe(false);
    clock.advance(1); // the first sighting leaves the window exactly now
    expect(t.record('indicator--a', 1)).toBe(false);
    expect(t.record('indicator--a', 1)).toBe(true);
    expect(t.record('indicator--a', 5)).toBe(false);
  });

  it('counts a batch of several sightings at once and keeps indicators apart', () => {
    const t = new SightingThreshold({ threshold: 4, windowMs: 1000, clock: new ManualClock(0) });
    expect(t.record('indicator--a', 3)).toBe(false);
    expect(t.record('indicator--b', 3)).toBe(false);
    expect(t.record('indicator--a', 1)).toBe(true);
    expect(t.record('indicator--b', 0)).toBe(false);
  });

  it('does not confirm again what an analyst confirmed', () => {
    const t = new SightingThreshold({ threshold: 1, windowMs: 1000, clock: new ManualClock(0) });
    t.markConfirmed('indicator--a');
    expect(t.record('indicator--a', 10)).toBe(false);
  });

  it('refuses a threshold below one', () => {
    expect(() => new SightingThreshold({ threshold: 0, windowMs: 1000, clock: new ManualClock(0) })).toThrow(RangeError);
  });
});
