import { parentPort, workerData } from 'node:worker_threads';
import { Detector, normalizeEvent } from '../sigma/index.js';
import type { SigmaMatch } from '../sigma/sigma-types.js';
import { screenEvent } from './hunt-sink.js';
import type { HuntWorkerData, HuntWorkerItem, HuntWorkerReply, HuntWorkerTask } from './hunt-thread-protocol.js';
import { readEventBatches } from './read-events.js';
import { loadRulePaths } from './rule-loader.js';

/**
 * A hunt worker thread: loads the rules itself (a compiled rule set cannot cross threads), then
 * hunts the files it is given one at a time and sends back, per batch read, only what the main
 * thread needs to replay the hunt in order: counts, malformed events and the matched events.
 * Matching is stateless, so files can be hunted in any order and on any thread; correlations,
 * which are not, never run here (see huntInThreads).
 */
const { rulePaths, range } = workerData as HuntWorkerData;
const port = parentPort!;
const loaded = await loadRulePaths(rulePaths);
const detector = new Detector({ ruleSet: loaded.ruleSet });
const indexOf = new Map(loaded.ruleSet.rules().map((r, i) => [r, i]));
port.postMessage({ type: 'ready', rules: loaded.ruleSet.size } satisfies HuntWorkerReply);

// One file at a time: the main thread hands out the next one when this one is done.
port.on('message', (task: HuntWorkerTask) => {
  huntFile(task).catch((err: unknown) => port.postMessage({ type: 'failed', file: task.file, message: (err as Error).message } satisfies HuntWorkerReply));
});

async function huntFile({ file, path }: HuntWorkerTask): Promise<void> {
  let bytes = 0;
  for await (const batch of readEventBatches(path, { onBytes: (n) => (bytes += n) })) {
    const items: HuntWorkerItem[] = batch.malformed.map((malformed) => ({ kind: 'bad', malformed }));
    const counts = { outOfRange: 0, untimed: 0 };
    for (const { file: label, record, raw } of batch.events) {
      const e = screenEvent(raw, range, normalizeEvent, counts);
      if (e.kind === 'skip') continue;
      if (e.kind === 'bad') {
        items.push({ kind: 'bad', malformed: { file: label, record, message: e.message } });
        continue;
      }
      const matches: SigmaMatch[] = detector.match(e.event);
      if (matches.length > 0) items.push({ kind: 'hit', file: label, record, raw, matches: matches.map((m) => ({ rule: indexOf.get(m.rule)!, matched: m.matched })) });
    }
    port.postMessage({ type: 'batch', file, events: batch.events.length, ...counts, bytes, items } satisfies HuntWorkerReply);
    bytes = 0;
  }
  port.postMessage({ type: 'done', file, bytes } satisfies HuntWorkerReply);
}
