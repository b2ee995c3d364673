import { ShieldwallError } from '../errors/error-catalog.js';
import { isForeignKeyViolation, isUniqueViolation } from './constraint-errors.js';
import { auditAuthority, scopeOrgId, type RepoContext } from './repo-context.js';
import type { Organisation, OrganisationRepo } from './store.js';

type OrganisationRow = { id: string; name: string; parent_id: string | null; created_at: number | string };

function toOrganisation(row: OrganisationRow): Organisation {
  return { id: row.id, name: row.name, parentId: row.parent_id, createdAt: Number(row.created_at) };
}

/** Organisations seen through one scope: an organisation sees only itself (`id = orgId`). */
export function organisationRepo(ctx: RepoContext): OrganisationRepo {
  const { db } = ctx;
  const confined = scopeOrgId(ctx.scope);
  const confine = <Q extends { where(col: 'id', op: '=', v: string): Q }>(q: Q): Q => (confined !== null ? q.where('id', '=', confined) : q);

  return {
    async create(org) {
      const id = org.id ?? confined ?? ctx.ids.next();
      if (confined !== null && id !== confined) {
        throw new ShieldwallError('FORBIDDEN', `organisation ${id} cannot be created in the scope of organisation ${confined}`, {
          where: 'organisation.id',
        });
      }
      const record: Organisation = { id, name: org.name, parentId: org.parentId ?? null, createdAt: ctx.clock.now() };
      await auditAuthority(ctx, 'write.organisations', id, { orgIds: [id] });
      try {
        await db
          .insertInto('organisations')
          .values({ id, name: record.name, parent_id: record.parentId, created_at: record.createdAt })
          .execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw new ShieldwallError('CONFLICT', `organisation ${id} already exists`, { where: 'organisation.id' });
        if (isForeignKeyViolation(e)) {
          throw new ShieldwallError('NOT_FOUND', `parent organisation ${String(record.parentId)} not found`, { where: 'organisation.parentId' });
        }
        throw e;
      }
      return record;
    },

    async get(id) {
      const row = await confine(db.selectFrom('organisations').selectAll().where('id', '=', id)).executeTakeFirst();
      await auditAuthority(ctx, 'read.organisations', id, { found: row !== undefined });
      return row ? toOrganisation(row) : null;
    },

    async list() {
      const rows = await confine(db.selectFrom('organisations').selectAll()).orderBy('id').execute();
      await auditAuthority(ctx, 'read.organisations', null, { count: rows.length });
      return rows.map(toOrganisation);
    },
  };
}
