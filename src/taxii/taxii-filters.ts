import { ShieldwallError } from '../errors/error-catalog.js';
import { parseStixTimestamp, type CollectionEntryQuery, type VersionFilter } from '../store/index.js';

/** Largest page the server returns, whatever `limit` asks (clients page with `next` or `added_after`). */
export const taxiiMaxPageSize = 1000;

/** The query of a paginated TAXII endpoint, parsed: exactly the store's collection-entry query. */
export type TaxiiFilters = CollectionEntryQuery;

const bad = (where: string, what: string) => new ShieldwallError('BAD_REQUEST', `${where}: ${what}`, { where: `query.${where}` });

/** One query parameter's comma-separated values (repeated parameters are joined). */
function listOf(query: Record<string, unknown>, key: string): string[] | undefined {
  const raw = query[key];
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
  return values.length > 0 ? values : undefined;
}

function single(query: Record<string, unknown>, key: string): string | undefined {
  const raw = query[key];
  if (raw === undefined) return undefined;
  if (Array.isArray(raw)) throw bad(key, 'given more than once');
  return String(raw);
}

/** `next` is the date_added (µs) of the last entry examined, base-36 so it stays short and opaque. */
export function encodeNext(afterUs: number): string {
  return afterUs.toString(36);
}

function decodeNext(next: string): number {
  const n = /^[0-9a-z]{1,12}$/.test(next) ? parseInt(next, 36) : NaN;
  if (!Number.isSafeInteger(n)) throw bad('next', 'not a value returned by this server');
  return n;
}

/**
 * Parses `added_after`, `limit`, `next` and `match[id|type|version|spec_version]` (TAXII 2.1
 * "Filtering" and "Pagination"). Unknown `match[...]` fields are ignored. `allowVersion: false`
 * for endpoints that do not take match[version] (versions).
 */
export function parseTaxiiFilters(query: Record<string, unknown>, options: { allowVersion?: boolean } = {}): TaxiiFilters {
  const filters: TaxiiFilters = { limit: taxiiMaxPageSize };
  const addedAfter = single(query, 'added_after');
  if (addedAfter !== undefined) {
    const us = parseStixTimestamp(addedAfter);
    if (us === null) throw bad('added_after', `expected a timestamp like 2024-01-01T00:00:00.000Z, got ${JSON.stringify(addedAfter)}`);
    filters.afterUs = us;
  }
  const next = single(query, 'next');
  if (next !== undefined) filters.afterUs = Math.max(filters.afterUs ?? 0, decodeNext(next));
  const limit = single(query, 'limit');
  if (limit !== undefined) {
    if (!/^[0-9]+$/.test(limit) || Number(limit) < 1) throw bad('limit', `expected a positive integer, got ${JSON.stringify(limit)}`);
    filters.limit = Math.min(Number(limit), taxiiMaxPageSize);
  }
  const ids = listOf(query, 'match[id]');
  if (ids) filters.ids = ids;
  const types = listOf(query, 'match[type]');
  if (types) filters.types = types;
  const specVersions = listOf(query, 'match[spec_version]');
  if (specVersions) filters.specVersions = specVersions;
  const versions = listOf(query, 'match[version]');
  if (versions && options.allowVersion !== false) {
    filters.versions = versions.map((v): VersionFilter => {
      if (v === 'last' || v === 'first' || v === 'all') return v;
      const us = parseStixTimestamp(v);
      if (us === null) throw bad('match[version]', `expected last, first, all or a timestamp, got ${JSON.stringify(v)}`);
      return us;
    });
  }
  return filters;
}
