import type { Clock } from '../../shared/clock.js';

/**
 * Decides whether a problem from one source may be logged now: at most once per `intervalMs`
 * per source, so a sender that spews malformed frames cannot flood the log. Remembers at most
 * `maxSources` sources (the oldest is forgotten first), so memory stays bounded under a scan.
 */
export class SourceLogLimiter {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs = 60_000,
    private readonly maxSources = 1024,
  ) {}

  /**
   * Returns null when `source` was logged less than `intervalMs` ago (and counts the suppression),
   * otherwise how many messages from it were suppressed since its last log line.
   */
  admit(source: string): { suppressed: number } | null {
    const now = this.clock.now();
    const seen = this.last.get(source);
    if (seen && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      return null;
    }
    const suppressed = seen?.suppressed ?? 0;
    // Re-insert so Map order is least-recently-logged first.
    this.last.delete(source);
    this.last.set(source, { at: now, suppressed: 0 });
    if (this.last.size > this.maxSources) this.last.delete(this.last.keys().next().value!);
    return { suppressed };
  }
}
