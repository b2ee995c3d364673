import type { Selectable } from 'kysely';
import { insertChunked } from './event-repo.js';
import { afterCursor, keysetPage } from './keyset-page.js';
import { pageLimit } from './page-cursor.js';
import { assertWritable, auditAuthority, orgIdsOf, scopeOrgId, type RepoContext } from './repo-context.js';
import type { AlertsTable } from './schema.js';
import type { Alert, AlertRepo } from './store.js';

function toAlert(row: Selectable<AlertsTable>): Alert {
  return {
    id: row.id,
    orgId: row.org_id,
    createdAt: Number(row.created_at),
    time: Number(row.time),
    ruleId: row.rule_id,
    ruleTitle: row.rule_title,
    level: row.level,
    author: row.author,
    eventId: row.event_id,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

/**
 * Alerts seen through one scope (`org_id = scope.orgId`). The unique (org_id, rule_id, event_id)
 * constraint makes a re-delivered event never raise the same alert twice; alerts without an event
 * (NULL event_id, e.g. correlations) are not deduplicated, since NULLs are distinct in both dialects.
 */
export function alertRepo(ctx: RepoContext): AlertRepo {
  const { db, scope } = ctx;
  const confined = scopeOrgId(scope);
  const base = () => {
    const q = db.selectFrom('alerts').selectAll();
    return confined !== null ? q.where('org_id', '=', confined) : q;
  };

  return {
    async insertMany(alerts) {
      alerts.forEach((a, i) => assertWritable(scope, a?.orgId, `alerts[${i}]`));
      await auditAuthority(ctx, 'write.alerts', null, { orgIds: orgIdsOf(alerts), count: alerts.length });
      return insertChunked(db, alerts, async (trx, chunk) => {
        const result = await trx
          .insertInto('alerts')
          .values(
            chunk.map((a) => ({
              org_id: a.orgId, id: a.id, created_at: a.createdAt, time: a.time, rule_id: a.ruleId, rule_title: a.ruleTitle,
              level: a.level, author: a.author, event_id: a.eventId ?? null, data: JSON.stringify(a.data ?? {}),
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0);
      });
    },

    async get(id) {
      const row = await base().where('id', '=', id).orderBy('org_id').limit(1).executeTakeFirst();
      await auditAuthority(ctx, 'read.alerts', id, { orgIds: row ? [row.org_id] : [] });
      return row ? toAlert(row) : null;
    },

    async query(q) {
      const limit = pageLimit(q.limit);
      let s = base();
      if (q.from !== undefined) s = s.where('time', '>=', q.from);
      if (q.to !== undefined) s = s.where('time', '<', q.to);
      if (q.ruleId !== undefined) s = s.where('rule_id', '=', q.ruleId);
      if (q.level !== undefined) s = s.where('level', '=', q.level);
      if (q.cursor) s = s.where(afterCursor(q.cursor));
      const rows = await s.orderBy('time', 'desc').orderBy('id', 'desc').orderBy('org_id', 'desc').limit(limit + 1).execute();
      const page = keysetPage(rows.map(toAlert), limit);
      await auditAuthority(ctx, 'read.alerts', null, { orgIds: orgIdsOf(page.items), count: page.items.length, query: { ...q } });
      return page;
    },
  };
}
