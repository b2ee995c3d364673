import type { Detector } from '../sigma/detector.js';
import type { RuleMeta } from '../sigma/sigma-types.js';
import { noEvent, type HuntOptions, type HuntSummary } from './hunt.js';
import { huntFileContext, huntFileTask } from './hunt-file-task.js';
import { HuntSink } from './hunt-sink.js';
import type { HuntWorkerReply } from './hunt-thread-protocol.js';
import { HuntWorkers } from './hunt-workers.js';

/** Options of {@link huntInThreads}: those of `hunt` without the engine, plus the threads' own. */
export interface HuntInThreadsOptions extends Pick<HuntOptions, 'minLevel' | 'rules' | 'range' | 'onDetection' | 'onMalformed' | 'onBytes'> {
  /** Threads hunting files: this one and `threads - 1` workers (each loads the rules itself). */
  threads: number;
  /** The rule paths the detector was loaded from: each worker loads the same. */
  rulePaths: string[];
  /** This thread's detector over the same rules: it hunts files too, and its rule list names the workers' matches. */
  detector: Detector;
  /** Size of each file: the largest are handed out first, so no thread is left with a big one at the end. */
  sizes?: readonly number[];
  /**
   * Workers started ahead (`HuntWorkers.start`, on the same rule paths and range), used instead
   * of `threads - 1` new ones; they are terminated at the end either way.
   */
  workers?: HuntWorkers;
}

/**
 * Input per worker thread below which another thread costs more than it saves: each worker loads
 * the rules itself (the shipped 3,780: ~1 s of CPU). Compressed files (`.gz`, `.zip`) count ten
 * times their size, about what JSON event logs shrink to.
 */
export const bytesPerThread = 64 * 2 ** 20;

/**
 * The threads a hunt uses when not told: one per core, at most one per file, and only as many as
 * the input is large enough to repay (see {@link bytesPerThread}).
 */
export function autoThreads(files: readonly string[], sizes: readonly number[], cores: number): number {
  let work = 0;
  files.forEach((f, i) => (work += (/\.(gz|zip)$/i.test(f) ? 10 : 1) * sizes[i]!));
  return Math.max(1, Math.min(cores, files.length, Math.floor(work / bytesPerThread)));
}

type Batch = Extract<HuntWorkerReply, { type: 'batch' }>;

/**
 * {@link hunt} with the files spread over threads, giving the same detections, summary and output
 * order as one thread. This thread and `threads - 1` workers each hunt whole files (reading,
 * parsing, normalising and matching: everything that needs no state), largest first, the next
 * file going to whichever is free. This thread then replays the results file by file in the order
 * given, holding back files that finish early, so the output does not depend on which thread was
 * quicker. This thread hunting too spares one rule load and uses its already warm detector.
 *
 * Correlation rules keep state across events in log order, which a split by file would break:
 * the caller runs a hunt with correlations in one thread (`hunt`), and this refuses one.
 * @throws when a file cannot be opened (as `hunt`), a worker fails, or `detector` has correlations
 */
export async function huntInThreads(files: readonly string[], opts: HuntInThreadsOptions): Promise<HuntSummary> {
  if (opts.detector.correlations().length > 0) {
    await opts.workers?.terminate();
    throw new Error('a hunt with correlation rules runs in one thread: their windows need the events in order');
  }
  const sink = new HuntSink(opts);
  const summary = sink.summary;
  const rules: readonly RuleMeta[] = opts.detector.rules();
  const pending: Batch[][] = files.map(() => []);
  const done: boolean[] = files.map(() => false);
  let due = 0;
  let started = false;

  const replay = (b: Batch): void => {
    summary.events += b.events;
    summary.outOfRange += b.outOfRange;
    summary.untimed += b.untimed;
    if (b.bytes > 0) opts.onBytes?.(b.bytes);
    for (const item of b.items) {
      if (item.kind === 'bad') {
        sink.malformed(item.malformed);
        continue;
      }
      const matches = item.matches.map((m) => ({ rule: rules[m.rule]!, matched: m.matched }));
      const at = { file: item.file, record: item.record, event: item.raw, time: item.time, computer: item.computer };
      for (const d of opts.detector.observe(matches, {})) sink.emit(d, at);
    }
  };
  // Replays what is due: the current file's batches as they come, then each later file that is complete.
  const advance = (): void => {
    while (due < files.length) {
      if (!started) {
        summary.files++;
        started = true;
      }
      const queue = pending[due]!;
      for (const b of queue) replay(b);
      queue.length = 0;
      if (!done[due]) return;
      due++;
      started = false;
    }
  };

  const order = files.map((_, i) => i);
  const sizes = opts.sizes;
  if (sizes !== undefined) order.sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const workers = opts.workers ?? HuntWorkers.start(Math.max(0, Math.min(opts.threads, files.length) - 1), opts.rulePaths, opts.range);
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let finished = 0;
      let failed = false;
      const fail = (err: Error): void => {
        failed = true;
        reject(err);
      };
      const take = (): number | undefined => (failed || next >= order.length ? undefined : order[next++]);
      const receive = (msg: HuntWorkerReply, hunter: () => void): void => {
        // After a failure the hunt has ended: a file still being read on this thread stops here.
        if (failed) return;
        switch (msg.type) {
          case 'ready':
            if (msg.rules !== rules.length) return fail(new Error(`a hunt worker loaded ${msg.rules} rules where the main thread has ${rules.length}: the rule files changed during the load`));
            return hunter();
          case 'batch':
            pending[msg.file]!.push(msg);
            return advance();
          case 'done':
            if (msg.bytes > 0) pending[msg.file]!.push({ type: 'batch', file: msg.file, events: 0, outOfRange: 0, untimed: 0, bytes: msg.bytes, items: [] });
            done[msg.file] = true;
            finished++;
            advance();
            if (finished === files.length) return resolve();
            return hunter();
          case 'failed':
            return fail(new Error(msg.message));
        }
      };
      if (files.length === 0) return resolve();
      for (let i = 0; i < workers.size; i++) {
        const hunter = (): void => {
          const file = take();
          if (file !== undefined) workers.send(i, { file, path: files[file]! });
        };
        workers.listen(i, { message: (msg) => receive(msg, hunter), error: (err) => (finished < files.length ? fail(err) : undefined) });
      }
      // This thread hunts too, one file at a time, between the workers' messages.
      const ctx = huntFileContext(opts.detector, opts.range);
      const self = (): void => {
        const file = take();
        if (file === undefined) return;
        huntFileTask({ file, path: files[file]! }, ctx, (msg) => receive(msg, self)).catch((err: unknown) => fail(err as Error));
      };
      self();
    });
  } finally {
    await workers.terminate();
  }
  for (const d of opts.detector.flush()) sink.emit(d, noEvent);
  return summary;
}
