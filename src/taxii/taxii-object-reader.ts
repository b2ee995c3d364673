import type { ReleasePolicy } from '../intel/tlp/index.js';
import type { CollectionEntry, TaxiiCollectionRepo } from '../store/index.js';
import type { TaxiiFilters } from './taxii-filters.js';

/** An entry as the recipient may see it: `json` is the stored text, or the redacted object's. */
export interface ServedEntry extends CollectionEntry {
  json: string;
}

/** A page of entries the recipient may receive. */
export interface ReleasedPage {
  entries: ServedEntry[];
  more: boolean;
  /** date_added (µs) of the last entry examined, released or not: where the next page starts. */
  lastExaminedUs: number | undefined;
}

/** Rows examined per request at most, so a collection mostly withheld from a caller costs bounded work. */
const maxExaminedFactor = 10;

/**
 * Reads entries in date_added order and passes each through the release policy for the recipient
 * organisation, fetching again until the page is full or the collection is exhausted. Withheld
 * objects are neither listed nor counted; objects whose granular markings hide parts from the
 * recipient go out redacted. A page may then hold fewer than `limit` entries with `more` true,
 * which TAXII allows. The producer's own objects go out as stored.
 */
export async function readReleasedPage(
  repo: TaxiiCollectionRepo,
  collectionId: string,
  filters: TaxiiFilters,
  policy: ReleasePolicy,
  recipientOrgId: string,
): Promise<ReleasedPage> {
  const entries: ServedEntry[] = [];
  const recipient = { kind: 'org' as const, orgId: recipientOrgId };
  let afterUs = filters.afterUs;
  let examined = 0;
  for (;;) {
    const want = filters.limit - entries.length;
    const batch = await repo.entries(collectionId, { ...filters, ...(afterUs !== undefined ? { afterUs } : {}), limit: want });
    for (const entry of batch.entries) {
      examined++;
      afterUs = entry.dateAddedUs;
      const { record } = entry;
      if (record.orgId === recipientOrgId) {
        entries.push({ ...entry, json: record.json });
        continue;
      }
      const object = JSON.parse(record.json) as Record<string, unknown>;
      const released = policy.release(object, record.orgId, recipient);
      if (released !== null) entries.push({ ...entry, json: released === object ? record.json : JSON.stringify(released) });
    }
    if (!batch.more) return { entries, more: false, lastExaminedUs: afterUs };
    if (entries.length >= filters.limit || examined >= filters.limit * maxExaminedFactor) return { entries, more: true, lastExaminedUs: afterUs };
  }
}
