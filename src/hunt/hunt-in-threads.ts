import { stat } from 'node:fs/promises';
import type { Detector } from '../sigma/detector.js';
import type { RuleMeta } from '../sigma/sigma-types.js';
import { noEvent, type HuntOptions, type HuntSummary } from './hunt.js';
import { huntFileContext, huntFileTask } from './hunt-file-task.js';
import { HuntSink } from './hunt-sink.js';
import { evtxChunkSize } from '../evtx/index.js';
import { planFileParts, possibleParts, type FilePart } from './file-parts.js';
import type { HuntWorkerReply, HuntWorkerTask } from './hunt-thread-protocol.js';
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
  /** Smallest part an EVTX or NDJSON file is split into for threads (default {@link minPartBytes}). */
  partBytes?: number;
}

/**
 * Input per worker thread below which another thread costs more than it saves: each worker loads
 * the rules itself (the shipped 3,780: ~1 s of CPU). Compressed files (`.gz`, `.zip`) count ten
 * times their size, about what JSON event logs shrink to.
 */
export const bytesPerThread = 64 * 2 ** 20;

/**
 * The threads a hunt uses when not told: one per core, at most one per file or part of a file
 * (see `possibleParts`), and only as many as the input is large enough to repay (see
 * {@link bytesPerThread}).
 */
export function autoThreads(files: readonly string[], sizes: readonly number[], cores: number): number {
  let work = 0;
  files.forEach((f, i) => (work += (/\.(gz|zip)$/i.test(f) ? 10 : 1) * sizes[i]!));
  return Math.max(1, Math.min(cores, usefulThreads(files, sizes), Math.floor(work / bytesPerThread)));
}

/** Most threads worth starting for these files: one per file, or per part of a file that can be split. */
export function usefulThreads(files: readonly string[], sizes: readonly number[]): number {
  let units = 0;
  files.forEach((f, i) => (units += possibleParts(f, sizes[i]!)));
  return units;
}

type Batch = Extract<HuntWorkerReply, { type: 'batch' }>;
type Done = Extract<HuntWorkerReply, { type: 'done' }>;

/** A unit of a split hunt: a whole file, or a part of one (`first` for its first part). */
interface Task {
  path: string;
  part?: FilePart;
  first: boolean;
  /** Bytes to hunt, to hand the largest out first. */
  size: number;
}

function taskMessage(i: number, t: Task): HuntWorkerTask {
  return { file: i, path: t.path, ...(t.part ? { part: t.part } : {}) };
}

/**
 * The tasks of a hunt: each file whole, or large EVTX and NDJSON files in parts (two per thread at
 * most, so the last parts even out the threads' ends; none smaller than `partBytes`).
 */
async function planTasks(files: readonly string[], opts: HuntInThreadsOptions): Promise<Task[]> {
  const sizes = opts.sizes ?? (await Promise.all(files.map(async (f) => (await stat(f).catch(() => undefined))?.size ?? 0)));
  const tasks: Task[] = [];
  for (let i = 0; i < files.length; i++) {
    const path = files[i]!;
    const size = sizes[i]!;
    // A file that cannot be opened is one task: hunting it reports the error as one thread does.
    const parts = opts.threads > 1 ? await planFileParts(path, size, 2 * opts.threads, opts.partBytes).catch(() => undefined) : undefined;
    if (parts === undefined) tasks.push({ path, first: true, size });
    else parts.forEach((part, k) => tasks.push({ path, part, first: k === 0, size: (part.to - part.from) * (part.unit === 'chunks' ? evtxChunkSize : 1) }));
  }
  return tasks;
}

/**
 * {@link hunt} with the files spread over threads, giving the same detections, summary and output
 * order as one thread. This thread and `threads - 1` workers each hunt whole files, or parts of
 * large EVTX and NDJSON files (see {@link planTasks}): reading, parsing, normalising and matching,
 * everything that needs no state. The largest go first, the next to whichever thread is free.
 * This thread then replays the results in file and part order, numbering a part's records and
 * lines on from the parts before it and holding back what finishes early, so the output does not
 * depend on which thread was quicker. This thread hunting too spares one rule load and uses its
 * already warm detector.
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
  const tasks = await planTasks(files, opts);
  const pending: Batch[][] = tasks.map(() => []);
  const done: (Done | undefined)[] = tasks.map(() => undefined);
  let due = 0;
  let started = false;
  /** Records and lines of the due task's file before the due task (its earlier parts). */
  let before = { records: 0, lines: 0 };

  const replay = (b: Batch): void => {
    summary.events += b.events;
    summary.outOfRange += b.outOfRange;
    summary.untimed += b.untimed;
    if (b.bytes > 0) opts.onBytes?.(b.bytes);
    for (const item of b.items) {
      if (item.kind === 'bad') {
        const m = item.malformed;
        sink.malformed(before.records === 0 && before.lines === 0 ? m : { ...m, ...(m.record !== undefined ? { record: m.record + before.records } : {}), ...(m.line !== undefined ? { line: m.line + before.lines } : {}) });
        continue;
      }
      const matches = item.matches.map((m) => ({ rule: rules[m.rule]!, matched: m.matched }));
      const at = { file: item.file, record: item.record + before.records, event: item.raw, time: item.time, computer: item.computer };
      for (const d of opts.detector.observe(matches, {})) sink.emit(d, at);
    }
  };
  // Replays what is due: the current task's batches as they come, then each later task that is complete.
  const advance = (): void => {
    while (due < tasks.length) {
      if (!started) {
        if (tasks[due]!.first) {
          summary.files++;
          before = { records: 0, lines: 0 };
        }
        started = true;
      }
      const queue = pending[due]!;
      for (const b of queue) replay(b);
      queue.length = 0;
      const end = done[due];
      if (end === undefined) return;
      before = { records: before.records + end.records, lines: before.lines + end.lines };
      due++;
      started = false;
    }
  };

  const order = tasks.map((_, i) => i);
  order.sort((a, b) => tasks[b]!.size - tasks[a]!.size || a - b);
  const workers = opts.workers ?? HuntWorkers.start(Math.max(0, Math.min(opts.threads, tasks.length) - 1), opts.rulePaths, opts.range);
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
            done[msg.file] = msg;
            finished++;
            advance();
            if (finished === tasks.length) return resolve();
            return hunter();
          case 'failed':
            return fail(new Error(msg.message));
        }
      };
      if (tasks.length === 0) return resolve();
      for (let i = 0; i < workers.size; i++) {
        const hunter = (): void => {
          const t = take();
          if (t !== undefined) workers.send(i, taskMessage(t, tasks[t]!));
        };
        workers.listen(i, { message: (msg) => receive(msg, hunter), error: (err) => (finished < tasks.length ? fail(err) : undefined) });
      }
      // This thread hunts too, one file at a time, between the workers' messages.
      const ctx = huntFileContext(opts.detector, opts.range);
      const self = (): void => {
        const t = take();
        if (t === undefined) return;
        huntFileTask(taskMessage(t, tasks[t]!), ctx, (msg) => receive(msg, self)).catch((err: unknown) => fail(err as Error));
      };
      self();
    });
  } finally {
    await workers.terminate();
  }
  for (const d of opts.detector.flush()) sink.emit(d, noEvent);
  return summary;
}
