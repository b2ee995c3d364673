import type { Store } from '../../store/index.js';
import type { Clock } from '../../shared/clock.js';

/**
 * Deletes events past the retention period (alerts are kept for good). Runs once at start and then
 * every `everyMs`; the timer does not keep the process alive.
 */
export class EventRetention {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly retentionMs: number,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** One pass: deletes events received before now − retention; returns how many. */
  async sweep(): Promise<number> {
    const scoped = this.store.scoped({ kind: 'authority', actor: 'system:retention', reason: 'event retention' });
    return scoped.events.deleteOlderThan(this.clock.now() - this.retentionMs);
  }

  start(everyMs = 3_600_000): void {
    const run = () => void this.sweep().catch(this.onError);
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
