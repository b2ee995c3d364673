import type { Clock } from '../../shared/clock.js';

export interface SightingThresholdOptions {
  /** Sightings (matched events, all organisations together) that confirm an indicator. */
  threshold: number;
  /** Only sightings within this many milliseconds of each other count together. */
  windowMs: number;
  clock: Clock;
}

/**
 * Confirms an indicator when it is sighted at least `threshold` times within `windowMs`: the
 * automatic half of early warning (an analyst's confirmation is the other). Each indicator is
 * confirmed once per process; counts live in memory, so with several processes each one counts the
 * events it detects (a threshold is reached later, never earlier, than with one process).
 */
export class SightingThreshold {
  /** Per indicator: times of recent sightings, oldest first, one entry per batch with its count. */
  private readonly recent = new Map<string, { at: number; count: number }[]>();
  private readonly confirmed = new Set<string>();

  constructor(private readonly opts: SightingThresholdOptions) {
    if (!(opts.threshold >= 1) || !(opts.windowMs > 0)) throw new RangeError('sighting threshold must be >= 1 and its window > 0 ms');
  }

  /** Records `count` sightings of an indicator now; true exactly once, when they reach the threshold. */
  record(indicatorId: string, count: number): boolean {
    if (count <= 0 || this.confirmed.has(indicatorId)) return false;
    const now = this.opts.clock.now();
    const list = this.recent.get(indicatorId) ?? [];
    list.push({ at: now, count });
    while (list.length > 0 && list[0]!.at <= now - this.opts.windowMs) list.shift();
    const total = list.reduce((n, s) => n + s.count, 0);
    if (total >= this.opts.threshold) {
      this.recent.delete(indicatorId);
      this.confirmed.add(indicatorId);
      return true;
    }
    this.recent.set(indicatorId, list);
    this.prune(now);
    return false;
  }

  /** Marks an indicator confirmed by other means (an analyst), so sightings do not confirm it again. */
  markConfirmed(indicatorId: string): void {
    this.confirmed.add(indicatorId);
    this.recent.delete(indicatorId);
  }

  /** Drops indicators whose every sighting has left the window, so memory follows the active set. */
  private prune(now: number): void {
    if (this.recent.size < 10_000) return;
    for (const [id, list] of this.recent) if (list[list.length - 1]!.at <= now - this.opts.windowMs) this.recent.delete(id);
  }
}
