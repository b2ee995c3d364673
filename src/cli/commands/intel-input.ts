import { stat } from 'node:fs/promises';
import { mispFeedSource } from '../../intel/feeds/index.js';
import { mispDocumentToStix, readMispEvents, readMispFeedManifest } from '../../intel/misp/index.js';
import { randomIds } from '../../shared/ids.js';
import { CliExit } from '../cli-exit.js';

/** What an import source gave: STIX objects, and what kind of document they came from. */
export interface IntelInput {
  objects: unknown[];
  kind: 'stix' | 'misp-event' | 'misp-feed';
  /** MISP events read (events and feeds). */
  events?: number;
}

/**
 * The STIX objects of an import document: a bundle's `objects`, a JSON array of objects, one
 * object, or a MISP event (`{"Event": …}`, a list of them, an API response) mapped to STIX by
 * the MISP mapping. Each STIX object is validated later on its own, so only the envelope is checked here.
 */
export function intelObjectsOf(text: string, where: string, now: number): IntelInput {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CliExit(1, `${where}: not JSON (${(err as Error).message})`);
  }
  const misp = mispObjectsOf(doc, now);
  if (misp) return misp;
  if (Array.isArray(doc)) return { objects: doc, kind: 'stix' };
  if (doc === null || typeof doc !== 'object') throw new CliExit(1, `${where}: expected a STIX bundle, got ${doc === null ? 'null' : typeof doc}`);
  const o = doc as Record<string, unknown>;
  if (o.type === 'bundle') {
    if (!Array.isArray(o.objects)) throw new CliExit(1, `${where}: bundle.objects must be an array`);
    return { objects: o.objects, kind: 'stix' };
  }
  if (typeof o.type === 'string' && typeof o.id === 'string') return { objects: [o], kind: 'stix' };
  throw new CliExit(1, `${where}: expected a STIX bundle ({"type": "bundle", "objects": [...]}), STIX objects, a MISP event or a MISP feed`);
}

function mispObjectsOf(doc: unknown, now: number): IntelInput | null {
  // An array of STIX objects is not a MISP document; only look for MISP shapes elsewhere.
  if (Array.isArray(doc) && doc.every((d) => typeof d === 'object' && d !== null && 'type' in d && !('Event' in d))) return null;
  if (readMispEvents(doc) === null) return null;
  const mapped = mispDocumentToStix(doc, { now, ids: randomIds })!;
  return { objects: mapped.objects, kind: 'misp-event', events: mapped.reports.length };
}

/** True when `source` names a MISP feed: a directory, or a `manifest.json` file or URL. */
export async function isMispFeed(source: string): Promise<boolean> {
  if (/(^|\/)manifest\.json$/.test(source)) return true;
  if (/^https?:\/\//.test(source)) return false;
  return (await stat(source).catch(() => null))?.isDirectory() ?? false;
}

/** Every event of a MISP feed (directory or URL; `manifest.json` names them), mapped to STIX. */
export async function mispFeedObjects(source: string, now: number): Promise<IntelInput> {
  const root = source.replace(/\/?manifest\.json$/, '');
  const feed = mispFeedSource(root);
  const fail = (err: unknown) => {
    throw new CliExit(1, `${source}: ${(err as Error).message}`);
  };
  const entries = readMispFeedManifest(await feed.manifest().catch(fail));
  const objects: unknown[] = [];
  for (const entry of entries) {
    const mapped = mispDocumentToStix(await feed.event(entry.uuid).catch(fail), { now, ids: randomIds });
    if (!mapped) throw new CliExit(1, `${source}: event ${entry.uuid} is not a MISP event`);
    objects.push(...mapped.objects);
  }
  return { objects, kind: 'misp-feed', events: entries.length };
}
