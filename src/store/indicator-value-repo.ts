import { ShieldwallError } from '../errors/error-catalog.js';
import type { IndicatorValue, IndicatorValueRepo } from './intel-store.js';
import { pageLimit } from './page-cursor.js';
import { assertWritable, auditAuthority, orgIdsOf, scopeOrgId, type RepoContext } from './repo-context.js';

type Row = { org_id: string; indicator_id: string; observable_type: string; value: string };
const toValue = (r: Row): IndicatorValue => ({ orgId: r.org_id, indicatorId: r.indicator_id, type: r.observable_type, value: r.value });

/** The search-by-value index of indicators (`org_id = scope.orgId`). */
export function indicatorValueRepo(ctx: RepoContext): IndicatorValueRepo {
  const { db, scope } = ctx;
  const confined = scopeOrgId(scope);
  return {
    async replace(entries) {
      entries.forEach((e, i) => {
        assertWritable(scope, e?.orgId, `indicatorValues[${i}]`);
        if (typeof e.indicatorId !== 'string' || e.indicatorId === '') {
          throw new ShieldwallError('VALIDATION_FAILED', `indicatorValues[${i}].indicatorId: must be a non-empty string`, { where: `indicatorValues[${i}].indicatorId` });
        }
      });
      if (entries.length === 0) return;
      await auditAuthority(ctx, 'write.indicator_values', null, { orgIds: orgIdsOf(entries), count: entries.length });
      const rows: Row[] = [];
      const seen = new Set<string>();
      for (const e of entries) {
        for (const v of e.values) {
          const key = `${e.orgId}\n${e.indicatorId}\n${v.type}\n${v.value}`;
          if (seen.has(key)) continue;
          seen.add(key);
          rows.push({ org_id: e.orgId, indicator_id: e.indicatorId, observable_type: v.type, value: v.value });
        }
      }
      await db.transaction().execute(async (trx) => {
        const byOrg = new Map<string, string[]>();
        for (const e of entries) byOrg.set(e.orgId, [...(byOrg.get(e.orgId) ?? []), e.indicatorId]);
        for (const [orgId, ids] of byOrg) {
          for (let i = 0; i < ids.length; i += 500) {
            await trx.deleteFrom('indicator_values').where('org_id', '=', orgId).where('indicator_id', 'in', ids.slice(i, i + 500)).execute();
          }
        }
        for (let i = 0; i < rows.length; i += 1000) await trx.insertInto('indicator_values').values(rows.slice(i, i + 1000)).execute();
      });
    },

    async find(q) {
      const limit = pageLimit(q.limit);
      let s = db.selectFrom('indicator_values').selectAll().where('value', '=', q.value);
      if (confined !== null) s = s.where('org_id', '=', confined);
      if (q.type !== undefined) s = s.where('observable_type', '=', q.type);
      const rows = await s.orderBy('indicator_id').orderBy('org_id').orderBy('observable_type').limit(limit).execute();
      await auditAuthority(ctx, 'read.indicator_values', null, { orgIds: orgIdsOf(rows.map(toValue)), count: rows.length });
      return rows.map(toValue);
    },

    async valuesOf(indicatorId) {
      let s = db.selectFrom('indicator_values').selectAll().where('indicator_id', '=', indicatorId);
      if (confined !== null) s = s.where('org_id', '=', confined);
      const rows = await s.orderBy('org_id').orderBy('observable_type').orderBy('value').execute();
      await auditAuthority(ctx, 'read.indicator_values', indicatorId, { orgIds: orgIdsOf(rows.map(toValue)) });
      return rows.map(toValue);
    },
  };
}
