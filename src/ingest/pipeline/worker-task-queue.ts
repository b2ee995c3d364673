/**
 * The order a detection worker runs its requests in: preparing a submission (parse, normalise,
 * encode) holds up a sender waiting for its acknowledgement, while detecting a batch that is
 * already stored only delays its alerts. So urgent tasks (prepare) run before background tasks
 * (detect), each kind in arrival order, one background task per turn so that a prepare arriving
 * meanwhile does not wait behind the whole detection backlog.
 *
 * Background tasks keep their arrival order among themselves, which keeps an organisation's
 * correlation windows fed in order.
 */
export class WorkerTaskQueue {
  private readonly urgent: (() => void)[] = [];
  private readonly background: (() => void)[] = [];
  private scheduled = false;

  /** @param schedule runs `drain` on a later turn of the event loop (setImmediate in a worker). */
  constructor(private readonly schedule: (drain: () => void) => void) {}

  /** Queues a task that someone is waiting on (an acknowledgement). */
  pushUrgent(task: () => void): void {
    this.urgent.push(task);
    this.wake();
  }

  /** Queues a task that can wait behind urgent ones. */
  pushBackground(task: () => void): void {
    this.background.push(task);
    this.wake();
  }

  /** Tasks waiting. */
  size(): number {
    return this.urgent.length + this.background.length;
  }

  private wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    // Every urgent task first, then a single background task, then back to the event loop so
    // that messages which arrived meanwhile are queued (and urgent ones jump ahead) before the next.
    while (this.urgent.length > 0) this.urgent.shift()!();
    const next = this.background.shift();
    if (next) next();
    if (this.size() > 0) this.wake();
  }
}
