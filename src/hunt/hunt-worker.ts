import { parentPort, workerData } from 'node:worker_threads';
import { Detector } from '../sigma/index.js';
import { huntFileContext, huntFileTask } from './hunt-file-task.js';
import type { HuntWorkerData, HuntWorkerReply, HuntWorkerTask } from './hunt-thread-protocol.js';
import { loadRulePaths } from './rule-loader.js';

/**
 * A hunt worker thread: loads the rules itself (a compiled rule set cannot cross threads), then
 * hunts the files it is given, one at a time (see huntFileTask). Correlations never run here:
 * they need one ordered stream (see huntInThreads).
 */
const { rulePaths, range } = workerData as HuntWorkerData;
const port = parentPort!;
const loaded = await loadRulePaths(rulePaths);
const ctx = huntFileContext(new Detector({ ruleSet: loaded.ruleSet }), range);
const send = (reply: HuntWorkerReply): void => port.postMessage(reply);
send({ type: 'ready', rules: loaded.ruleSet.size });

// The main thread hands out the next file when this one is done.
port.on('message', (task: HuntWorkerTask) => {
  huntFileTask(task, ctx, send).catch((err: unknown) => send({ type: 'failed', file: task.file, message: (err as Error).message }));
});
