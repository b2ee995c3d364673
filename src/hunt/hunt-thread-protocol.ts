import type { SigmaMatch } from '../sigma/sigma-types.js';
import type { FilePart } from './file-parts.js';
import type { HuntTimeRange } from './hunt-time-range.js';
import type { MalformedEvent } from './read-events.js';

/** What a hunt worker starts with. */
export interface HuntWorkerData {
  rulePaths: string[];
  range?: HuntTimeRange;
}

/**
 * Main → worker: hunt the file `path` (or only `part` of it); `file` numbers the task in the hunt
 * (a file hunted in parts is several tasks).
 */
export interface HuntWorkerTask {
  file: number;
  path: string;
  part?: FilePart;
}

/**
 * One event's outcome that the main thread must replay, in event order: a malformed event, or
 * the rule matches of an event (rules by their index in the rule set, which both threads loaded
 * from the same paths in the same order).
 */
export type HuntWorkerItem =
  | { kind: 'bad'; malformed: MalformedEvent }
  | {
      kind: 'hit';
      file: string;
      record: number;
      raw: Record<string, unknown>;
      time: number | null;
      computer: string | null;
      matches: { rule: number; matched: SigmaMatch['matched'] }[];
    };

/** Worker → main. */
export type HuntWorkerReply =
  | { type: 'ready'; rules: number }
  | { type: 'batch'; file: number; events: number; outOfRange: number; untimed: number; bytes: number; items: HuntWorkerItem[] }
  /** `records` and `lines`: how many the task numbered, so the parts after it are numbered on from there. */
  | { type: 'done'; file: number; bytes: number; records: number; lines: number }
  | { type: 'failed'; file: number; message: string };
