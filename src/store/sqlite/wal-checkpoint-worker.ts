import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteConnection, type SqliteConnection } from './sqlite-driver.js';
import type { CheckpointReply, CheckpointRequest, CheckpointWorkerData } from './wal-checkpointer.js';

// The thread of a WalCheckpointer: its own connection to the database file, which copies the WAL
// back into the database when asked (and every `idleMs` when nobody asked), so the writer's thread
// never does it.
const { path, idleMs } = workerData as CheckpointWorkerData;
const port = parentPort!;
const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

let db: SqliteConnection | undefined;
try {
  db = openSqliteConnection(path);
} catch (e) {
  port.postMessage({ type: 'error', message: `cannot open ${path} for checkpoints: ${reason(e)}` } satisfies CheckpointReply);
  port.close();
}

let lastAt = 0;
/** PASSIVE: copies what it can without waiting for the writer or readers, never blocking them. */
function checkpoint(): CheckpointReply {
  try {
    const [row] = db!.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    lastAt = Date.now();
    return { type: 'done', checkpointed: row!.checkpointed };
  } catch (e) {
    return { type: 'error', message: `checkpoint of ${path} failed: ${reason(e)}` };
  }
}

if (db) {
  const timer = idleMs > 0
    ? setInterval(() => {
        if (Date.now() - lastAt < idleMs) return;
        const r = checkpoint();
        if (r.type === 'error') port.postMessage(r);
      }, idleMs)
    : undefined;
  port.on('message', (m: CheckpointRequest) => {
    if (m.type === 'checkpoint') {
      port.postMessage(checkpoint());
      return;
    }
    clearInterval(timer);
    db!.close();
    port.close();
  });
}
