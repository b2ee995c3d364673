import type { SigmaEvent } from '../sigma/sigma-types.js';
import { eventTime } from './event-time.js';
import type { HuntSummary } from './hunt.js';
import { inTimeRange, type HuntTimeRange } from './hunt-time-range.js';

/** What a raw event becomes before detection: skipped (outside the window), malformed, or an event with its own time. */
export type ScreenedEvent = { kind: 'skip' } | { kind: 'bad'; message: string } | { kind: 'event'; event: SigmaEvent; time: number | undefined };

const skipped: ScreenedEvent = Object.freeze({ kind: 'skip' });

/**
 * The steps of a hunt before detection, for one raw event: its own time, the time window (the
 * events outside and those without a time are counted in `counts`), the normalisation.
 */
export function screenEvent(
  raw: Record<string, unknown>,
  range: HuntTimeRange | undefined,
  normalize: (raw: Record<string, unknown>) => SigmaEvent,
  counts: Pick<HuntSummary, 'outOfRange' | 'untimed'>,
): ScreenedEvent {
  const time = eventTime(raw);
  if (range !== undefined) {
    if (time === undefined) counts.untimed++;
    else if (!inTimeRange(range, time)) {
      counts.outOfRange++;
      return skipped;
    }
  }
  try {
    return { kind: 'event', event: normalize(raw), time };
  } catch (err) {
    return { kind: 'bad', message: `cannot normalise event: ${(err as Error).message}` };
  }
}
