import { sql, type RawBuilder } from 'kysely';
import { decodeCursor, encodeCursor, type CursorKey } from './page-cursor.js';
import type { Page } from './store.js';

/**
 * Keyset condition "strictly after `cursor`" in (time desc, id desc, org_id desc) order. A row value
 * comparison works the same on PostgreSQL and SQLite (>= 3.15) and keeps one code path.
 */
export function afterCursor(cursor: string): RawBuilder<boolean> {
  const c = decodeCursor(cursor);
  return sql<boolean>`(${sql.ref('time')}, ${sql.ref('id')}, ${sql.ref('org_id')}) < (${c.time}, ${c.id}, ${c.orgId})`;
}

/** Turns `limit + 1` fetched rows into a page whose cursor points after its last item. */
export function keysetPage<T extends CursorKey>(items: T[], limit: number): Page<T> {
  if (items.length <= limit) return { items, next: null };
  const page = items.slice(0, limit);
  const last = page[page.length - 1]!;
  return { items: page, next: encodeCursor({ time: last.time, id: last.id, orgId: last.orgId }) };
}
