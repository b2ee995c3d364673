import { describe, expect, it } from 'vitest';
import { parseTimespan } from './parse-timespan.js';

describe('parseTimespan', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['90m', 5_400_000],
    ['1h', 3_600_000],
    ['24h', 86_400_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseTimespan(text)).toEqual({ ms });
  });

  it.each([
    ['1 hour', /not a timespan/],
    ['1H', /unknown unit 'H'/],
    ['1y', /unknown unit 'y'/],
    ['1.5h', /not a timespan/],
    ['h', /not a timespan/],
    ['', /not a timespan/],
    ['0s', /positive/],
    ['-5m', /not a timespan/],
  ])('rejects %j', (text, msg) => {
    const r = parseTimespan(text);
    expect('error' in r && r.error).toMatch(msg);
  });

  it('rejects non-strings and says what it got', () => {
    expect(parseTimespan(60)).toEqual({ error: expect.stringContaining('got number 60') });
    expect(parseTimespan(null)).toEqual({ error: expect.stringContaining('got null') });
  });
});
