import type { Clock } from '../../shared/clock.js';
import { orgScope, type FeedSubscription, type Store } from '../../store/index.js';
import type { FeedPoller, FeedPollReport } from './feed-poller.js';

/** Schedules the next tick; injected so tests drive time without sleeping. */
export interface PollTimer {
  set(ms: number, fn: () => void): unknown;
  clear(handle: unknown): void;
}

/** Node's timers, unref'd so a pending tick never keeps a process alive. */
export const nodePollTimer: PollTimer = {
  set: (ms, fn) => setTimeout(fn, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface FeedPollingServiceDeps {
  poller: FeedPoller;
  store: Store;
  clock: Clock;
  timer?: PollTimer;
  /** How often due subscriptions are looked for (default 10 s). */
  tickMs?: number;
  /**
   * How often the list of subscriptions is re-read (default 5 min): listing all organisations'
   * subscriptions is an audited authority read, so it is not done on every tick.
   */
  refreshMs?: number;
  onReport?: (report: FeedPollReport) => void;
  onError?: (error: unknown) => void;
}

/**
 * The periodic poller inside `shieldwall start`: each tick polls the subscriptions whose interval
 * has elapsed since their last poll, one at a time (a feed import is heavy; two cores are shared
 * with detection). `stop()` cancels the next tick and ends the poll in progress after its current
 * page or event.
 */
export class FeedPollingService {
  private handle: unknown;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  private stopping = false;
  private abort = new AbortController();
  private known: FeedSubscription[] = [];
  private listedAt = -Infinity;

  constructor(private readonly deps: FeedPollingServiceDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopping = false;
    this.abort = new AbortController();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = this.running !== null;
    this.abort.abort(new Error('feed polling stopped'));
    if (this.handle !== undefined) (this.deps.timer ?? nodePollTimer).clear(this.handle);
    this.handle = undefined;
    await this.running;
    this.stopping = false;
  }

  /** Polls every due subscription now; what one tick does. */
  async tick(): Promise<FeedPollReport[]> {
    const now = this.deps.clock.now();
    if (now - this.listedAt >= (this.deps.refreshMs ?? 300_000)) {
      this.known = await this.deps.poller.subscriptions();
      this.listedAt = now;
    }
    const reports: FeedPollReport[] = [];
    for (const cached of this.known) {
      // stop() lets the poll in progress finish but starts no other.
      if (this.stopping) break;
      // Re-read through the organisation's scope: the cursor may have moved (`taxii poll --once`).
      const sub = await this.deps.store.scoped(orgScope(cached.orgId)).feeds.get(cached.id);
      if (sub === null) continue;
      const due = sub.lastPolledAt === null || this.deps.clock.now() - sub.lastPolledAt >= sub.intervalS * 1000;
      if (!due) continue;
      const report = await this.deps.poller.poll(sub, this.abort.signal);
      reports.push(report);
      this.deps.onReport?.(report);
    }
    return reports;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.handle = (this.deps.timer ?? nodePollTimer).set(ms, () => {
      this.handle = undefined;
      this.running = this.tick()
        .catch((e: unknown) => this.deps.onError?.(e))
        .finally(() => {
          this.running = null;
          this.schedule(this.deps.tickMs ?? 10_000);
        });
    });
  }
}
