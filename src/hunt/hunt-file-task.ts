import type { Detector } from '../sigma/detector.js';
import { normalizeEvent } from '../sigma/index.js';
import type { RuleMeta } from '../sigma/sigma-types.js';
import { computerOf } from './hunt.js';
import { screenEvent } from './screen-event.js';
import type { HuntWorkerItem, HuntWorkerReply, HuntWorkerTask } from './hunt-thread-protocol.js';
import type { HuntTimeRange } from './hunt-time-range.js';
import { malformedUpTo } from './event-text-parser.js';
import { readEventBatches, type MalformedEvent } from './read-events.js';

/** What hunting one file of a split hunt needs: a detector (without correlations) and the window. */
export interface HuntFileContext {
  detector: Detector;
  /** Each rule of the detector → its index in the rule set, which names it to the main thread. */
  indexOf: ReadonlyMap<RuleMeta, number>;
  range?: HuntTimeRange;
}

/** The context of {@link huntFileTask} for `detector`. */
export function huntFileContext(detector: Detector, range?: HuntTimeRange): HuntFileContext {
  return { detector, indexOf: new Map(detector.rules().map((r, i) => [r, i])), ...(range ? { range } : {}) };
}

/**
 * Hunts one file (or part of one) of a split hunt and sends, per batch read, only what the main
 * thread needs to replay it in order: counts, malformed events in their place among the matched
 * events (as `hunt` tells them), then `done` with the records and lines the read numbered. Matching is
 * stateless, so files can be hunted in any order, on any thread.
 * @throws when the file cannot be opened
 */
export async function huntFileTask({ file, path, part }: HuntWorkerTask, ctx: HuntFileContext, send: (reply: HuntWorkerReply) => void): Promise<void> {
  let bytes = 0;
  const numbered = { records: 0, lines: 0 };
  const read = { onBytes: (n: number) => (bytes += n), onEnd: (c: typeof numbered) => Object.assign(numbered, c), ...(part ? { part } : {}) };
  for await (const batch of readEventBatches(path, read)) {
    const items: HuntWorkerItem[] = [];
    const counts = { outOfRange: 0, untimed: 0 };
    const tell = (malformed: MalformedEvent): number => items.push({ kind: 'bad', malformed });
    const bad = batch.malformed;
    let b = 0;
    for (const { file: label, record, raw } of batch.events) {
      b = malformedUpTo(bad, b, record, tell);
      const e = screenEvent(raw, ctx.range, normalizeEvent, counts);
      if (e.kind === 'skip') continue;
      if (e.kind === 'bad') {
        items.push({ kind: 'bad', malformed: { file: label, record, message: e.message } });
        continue;
      }
      const matches = ctx.detector.match(e.event);
      if (matches.length === 0) continue;
      const hit = matches.map((m) => ({ rule: ctx.indexOf.get(m.rule)!, matched: m.matched }));
      items.push({ kind: 'hit', file: label, record, raw, time: e.time ?? null, computer: computerOf(e.event), matches: hit });
    }
    malformedUpTo(bad, b, Infinity, tell);
    send({ type: 'batch', file, events: batch.events.length, ...counts, bytes, items });
    bytes = 0;
  }
  send({ type: 'done', file, bytes, ...numbered });
}
