import type { Worker } from 'node:worker_threads';
import { startWorkerThread } from '../shared/worker-thread.js';
import type { HuntWorkerData, HuntWorkerReply, HuntWorkerTask } from './hunt-thread-protocol.js';
import type { HuntTimeRange } from './hunt-time-range.js';

/** What a {@link HuntWorkers} user hears from one worker. */
export interface HuntWorkerListener {
  message(msg: HuntWorkerReply): void;
  error(err: Error): void;
}

/**
 * The worker threads of a split hunt, started ahead of it so they load their rules while this
 * thread loads its own (a load is ~1 s of CPU for the shipped rules: two at once on two cores
 * take the time of one). What a worker says before anyone listens (its `ready`, a failure) is
 * kept and told to the listener when it attaches, so nothing is lost in between.
 */
export class HuntWorkers {
  private readonly threads: Worker[] = [];
  private readonly listeners: (HuntWorkerListener | undefined)[] = [];
  private readonly early: ({ msg: HuntWorkerReply } | { err: Error })[][] = [];
  private stopping = false;

  private constructor() {}

  /** Starts `count` workers loading the rules of `rulePaths`, for events of `range`. */
  static start(count: number, rulePaths: string[], range?: HuntTimeRange): HuntWorkers {
    const pool = new HuntWorkers();
    for (let i = 0; i < count; i++) {
      const w = startWorkerThread(import.meta.url, 'hunt-worker', { rulePaths, ...(range ? { range } : {}) } satisfies HuntWorkerData);
      pool.threads.push(w);
      pool.listeners.push(undefined);
      pool.early.push([]);
      const tell = (event: { msg: HuntWorkerReply } | { err: Error }): void => {
        const l = pool.listeners[i];
        if (l === undefined) pool.early[i]!.push(event);
        else if ('msg' in event) l.message(event.msg);
        else l.error(event.err);
      };
      w.on('message', (msg: HuntWorkerReply) => tell({ msg }));
      w.on('error', (err) => tell({ err }));
      w.on('exit', (code) => {
        if (!pool.stopping) tell({ err: new Error(`a hunt worker stopped (exit code ${code}) before the hunt ended`) });
      });
    }
    return pool;
  }

  get size(): number {
    return this.threads.length;
  }

  /** Attaches the listener of worker `i`, first telling it what the worker said before. */
  listen(i: number, listener: HuntWorkerListener): void {
    this.listeners[i] = listener;
    for (const event of this.early[i]!.splice(0)) {
      if ('msg' in event) listener.message(event.msg);
      else listener.error(event.err);
    }
  }

  /** Gives worker `i` a file to hunt. */
  send(i: number, task: HuntWorkerTask): void {
    this.threads[i]!.postMessage(task);
  }

  /** Stops every worker (their exits are expected from now on). */
  async terminate(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.threads.map((w) => w.terminate()));
  }
}
