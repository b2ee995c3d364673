import type { Worker } from 'node:worker_threads';
import { startWorkerThread } from '../../shared/worker-thread.js';
import type { SqliteConnection } from './sqlite-driver.js';

/** Options of {@link WalCheckpointer.start}. */
export interface WalCheckpointerOptions {
  /** Bytes written (as told by {@link WalCheckpointer.wrote}) after which a checkpoint is asked for (default 8 MiB). */
  thresholdBytes?: number;
  /** A checkpoint runs at least this often when writes were too small to ask for one; 0: never (default 1,000 ms). */
  idleMs?: number;
  /** Told once if the thread fails; the writer's connection then checkpoints itself again. */
  onError?: (err: Error) => void;
}

/** @internal The checkpoint thread's start data. */
export interface CheckpointWorkerData {
  path: string;
  idleMs: number;
}
/** @internal What the writer's thread asks the checkpoint thread. */
export type CheckpointRequest = { type: 'checkpoint' } | { type: 'close' };
/** @internal What the checkpoint thread answers: the WAL frames its checkpoint copied, or why it failed. */
export type CheckpointReply = { type: 'done'; checkpointed: number } | { type: 'error'; message: string };

const defaultThreshold = 8 * 1024 * 1024;
/** SQLite's own default `wal_autocheckpoint`, in pages. */
const sqliteAutocheckpoint = 1000;

/**
 * Copies the WAL back into the database file on a thread of its own, so the thread that writes
 * does not. In WAL mode the connection that commits past `wal_autocheckpoint` pages runs the
 * checkpoint itself, synchronously: in `bench:pipeline` that was half of the main thread's CPU (the
 * copy into the growing database file, and its fsync), with the event loop blocked throughout.
 * A PASSIVE checkpoint on a second connection needs no write lock and blocks nobody.
 *
 * The writer restarts the WAL from its start only when its transaction begins on a WAL that a
 * checkpoint has copied in full. Under a steady load the writer commits while the thread copies,
 * so one checkpoint per threshold let the WAL run to the backstop (below), where the writer
 * checkpointed itself again. So once asked, the thread goes on checkpointing for as long as
 * commits arrived during its last checkpoint, and catches up within a few ms of the writer: the
 * WAL then restarts every few batches (56 MiB at most in `bench:pipeline`, 8 MiB threshold).
 *
 * The writer's connection keeps a backstop: its own autocheckpoint, raised to sixteen times the
 * threshold, so a thread that falls behind cannot let the WAL grow without bound. If the thread
 * fails, the backstop goes back to SQLite's default and `onError` is told.
 */
export class WalCheckpointer {
  private unasked = 0;
  private asked = false;
  private stopped = false;
  private closing: Promise<void> | undefined;
  private exited = false;
  private waiters: (() => void)[] = [];
  /** Checkpoints done when asked, and the WAL frames they copied. */
  readonly stats = { checkpoints: 0, framesCopied: 0 };

  private constructor(
    private readonly connection: SqliteConnection,
    private readonly worker: Worker,
    private readonly threshold: number,
    private readonly onError: (err: Error) => void,
  ) {
    worker.on('message', (m: CheckpointReply) => (m.type === 'done' ? this.done(m) : this.fail(new Error(m.message))));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => {
      this.exited = true;
      if (!this.closing) this.fail(new Error(`the checkpoint thread exited (code ${code})`));
    });
    // A server's other handles keep the process alive; this thread alone must not.
    worker.unref();
  }

  /**
   * Starts the thread for the database file at `path`, whose writer is `connection`, and raises
   * that connection's autocheckpoint to the backstop.
   */
  static start(connection: SqliteConnection, path: string, options: WalCheckpointerOptions = {}): WalCheckpointer {
    const threshold = options.thresholdBytes ?? defaultThreshold;
    const pageSize = Number(connection.pragma('page_size', { simple: true }));
    connection.pragma(`wal_autocheckpoint = ${Math.max(sqliteAutocheckpoint, Math.ceil((16 * threshold) / pageSize))}`);
    const data: CheckpointWorkerData = { path, idleMs: options.idleMs ?? 1000 };
    const worker = startWorkerThread(import.meta.url, 'wal-checkpoint-worker', data);
    return new WalCheckpointer(connection, worker, threshold, options.onError ?? (() => undefined));
  }

  /**
   * Told after each commit with about how many bytes it wrote: asks for a checkpoint past the
   * threshold, or for the next one at once if one is running.
   */
  wrote(bytes: number): void {
    if (this.stopped) return;
    this.unasked += bytes;
    if (!this.asked && this.unasked >= this.threshold) this.ask();
  }

  /** Resolves once no checkpoint that was asked for is still running. */
  settled(): Promise<void> {
    return !this.asked ? Promise.resolve() : new Promise((res) => this.waiters.push(res));
  }

  /** Stops the thread (its connection closes; the writer's close checkpoints the rest). */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((res) => {
      this.stopped = true;
      if (this.exited) return res();
      this.worker.once('exit', () => res());
      // Unreferenced, the thread would let a closing process's event loop end before it answers.
      this.worker.ref();
      this.worker.postMessage({ type: 'close' } satisfies CheckpointRequest);
      // A thread stuck in a checkpoint still has to go: the process is closing the store.
      setTimeout(() => void this.worker.terminate(), 5000).unref();
    }).finally(() => this.wake());
    return this.closing;
  }

  private ask(): void {
    this.unasked = 0;
    this.asked = true;
    this.worker.postMessage({ type: 'checkpoint' } satisfies CheckpointRequest);
  }

  private done(reply: { checkpointed: number }): void {
    this.stats.checkpoints++;
    this.stats.framesCopied += reply.checkpointed;
    this.asked = false;
    // Anything committed while it copied: copy that too, so the WAL can restart.
    if (!this.stopped && this.unasked > 0) this.ask();
    else this.wake();
  }

  private fail(err: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    this.asked = false;
    try {
      this.connection.pragma(`wal_autocheckpoint = ${sqliteAutocheckpoint}`);
    } catch {
      // The writer's connection is closed already: nothing left to checkpoint for.
    }
    void this.worker.terminate();
    this.onError(err);
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
