import { ShieldwallError } from '../../errors/error-catalog.js';
import { mispInteger } from './misp-event.js';

/** One event announced by a MISP feed's `manifest.json`. */
export interface MispFeedEntry {
  uuid: string;
  /** Last change of the event, epoch seconds (the manifest's `timestamp`, string or number). */
  timestamp: number;
  info?: string;
  date?: string;
}

/**
 * What a poller remembers of a feed: the timestamp of each event it imported. A manifest entry is
 * fetched again only when its timestamp moved, which is how MISP itself pulls feeds.
 */
export type MispFeedCursor = Record<string, number>;

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads a parsed `manifest.json` (`{"<event-uuid>": {info, Orgc, Tag, date, timestamp, …}}`).
 * Entries without a uuid key or a timestamp make the whole manifest invalid, naming the entry:
 * importing a feed whose index we cannot trust would skip or repeat events silently.
 */
export function readMispFeedManifest(doc: unknown): MispFeedEntry[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ShieldwallError('VALIDATION_FAILED', `MISP feed manifest: expected an object keyed by event uuid, got ${Array.isArray(doc) ? 'an array' : typeof doc}`, { where: 'manifest' });
  }
  const entries: MispFeedEntry[] = [];
  for (const [uuid, raw] of Object.entries(doc)) {
    const where = `manifest["${uuid}"]`;
    if (!uuidShape.test(uuid)) throw new ShieldwallError('VALIDATION_FAILED', `${where}: key is not an event uuid`, { where });
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const timestamp = mispInteger(entry.timestamp);
    if (timestamp === undefined) throw new ShieldwallError('VALIDATION_FAILED', `${where}.timestamp: expected epoch seconds, got ${JSON.stringify(entry.timestamp)}`, { where: `${where}.timestamp` });
    entries.push({
      uuid: uuid.toLowerCase(),
      timestamp,
      ...(typeof entry.info === 'string' ? { info: entry.info } : {}),
      ...(typeof entry.date === 'string' ? { date: entry.date } : {}),
    });
  }
  return entries;
}

/** The manifest entries that are new or whose timestamp changed since `cursor`. */
export function changedFeedEntries(entries: readonly MispFeedEntry[], cursor: MispFeedCursor): MispFeedEntry[] {
  return entries.filter((e) => cursor[e.uuid] !== e.timestamp);
}
