import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterCursor, keysetPage } from './keyset-page.js';
import { pageLimit } from './page-cursor.js';
import { assertWritable, auditAuthority, orgIdsOf, scopeOrgId, type RepoContext } from './repo-context.js';
import type { Database } from './schema.js';
import { eventRow, insertChunk, toEvent } from './event-row.js';
import type { EventRepo } from './store.js';
import { eventBatchMethods } from './event-batch-repo.js';

/** `%text%` for LIKE with the wildcards and the escape character of `text` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Inserts rows chunk by chunk in one transaction; ON CONFLICT DO NOTHING makes re-delivery a no-op. */
export async function insertChunked<T>(
  db: Kysely<Database>,
  rows: T[],
  insert: (trx: Kysely<Database>, chunk: T[]) => Promise<number>,
): Promise<number> {
  if (rows.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    let inserted = 0;
    for (let i = 0; i < rows.length; i += insertChunk) inserted += await insert(trx, rows.slice(i, i + insertChunk));
    return inserted;
  });
}

/** Events seen through one scope (`org_id = scope.orgId`). */
export function eventRepo(ctx: RepoContext): EventRepo {
  const { db, scope } = ctx;
  const confined = scopeOrgId(scope);
  const base = () => {
    const q = db.selectFrom('events').selectAll();
    return confined !== null ? q.where('org_id', '=', confined) : q;
  };

  return {
    ...eventBatchMethods(ctx),

    async insertMany(events) {
      events.forEach((e, i) => assertWritable(scope, e?.orgId, `events[${i}]`));
      await auditAuthority(ctx, 'write.events', null, { orgIds: orgIdsOf(events), count: events.length });
      return insertChunked(db, events, async (trx, chunk) => {
        const result = await trx
          .insertInto('events')
          .values(chunk.map((e) => eventRow(e)))
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0);
      });
    },

    async get(id) {
      const row = await base().where('id', '=', id).orderBy('org_id').limit(1).executeTakeFirst();
      await auditAuthority(ctx, 'read.events', id, { orgIds: row ? [row.org_id] : [] });
      return row ? toEvent(row) : null;
    },

    async query(q) {
      const limit = pageLimit(q.limit);
      let s = base();
      if (q.from !== undefined) s = s.where('time', '>=', q.from);
      if (q.to !== undefined) s = s.where('time', '<', q.to);
      if (q.source !== undefined) s = s.where('source', '=', q.source);
      if (q.product !== undefined) s = s.where('product', '=', q.product);
      if (q.category !== undefined) s = s.where('category', '=', q.category);
      if (q.text !== undefined && q.text !== '') {
        s = s.where(sql<boolean>`lower(${sql.ref('message')}) like ${containsPattern(q.text)} escape '\\'`);
      }
      if (q.cursor) s = s.where(afterCursor(q.cursor));
      const rows = await s.orderBy('time', 'desc').orderBy('id', 'desc').orderBy('org_id', 'desc').limit(limit + 1).execute();
      const page = keysetPage(rows.map(toEvent), limit);
      await auditAuthority(ctx, 'read.events', null, { orgIds: orgIdsOf(page.items), count: page.items.length, query: { ...q } });
      return page;
    },

    async deleteOlderThan(before) {
      // Retention counts from receipt, not from the source's clock, which may be wrong or forged.
      let d = db.deleteFrom('events').where('received_at', '<', before);
      if (confined !== null) d = d.where('org_id', '=', confined);
      await auditAuthority(ctx, 'delete.events', null, { before });
      const result = await d.executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
