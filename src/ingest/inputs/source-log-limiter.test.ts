import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { SourceLogLimiter } from './source-log-limiter.js';

describe('SourceLogLimiter', () => {
  it('admits a source once per interval and reports how many were suppressed meanwhile', () => {
    const clock = new ManualClock(0);
    const limiter = new SourceLogLimiter(clock, 60_000);
    expect(limiter.admit('192.0.2.1')).toEqual({ suppressed: 0 });
    expect(limiter.admit('192.0.2.1')).toBeNull();
    clock.advance(59_999);
    expect(limiter.admit('192.0.2.1')).toBeNull();
    expect(limiter.admit('198.51.100.7')).toEqual({ suppressed: 0 });
    clock.advance(1);
    expect(limiter.admit('192.0.2.1')).toEqual({ suppressed: 2 });
  });

  it('forgets the least recently logged source beyond maxSources', () => {
    const clock = new ManualClock(0);
    const limiter = new SourceLogLimiter(clock, 60_000, 2);
    limiter.admit('a');
    limiter.admit('b');
    limiter.admit('c');
    // 'a' was forgotten, so it is admitted again within the interval; 'c' is still remembered.
    expect(limiter.admit('a')).toEqual({ suppressed: 0 });
    expect(limiter.admit('c')).toBeNull();
  });
});
