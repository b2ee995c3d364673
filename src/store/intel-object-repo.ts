import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { ShieldwallError } from '../errors/error-catalog.js';
import { insertChunked } from './event-repo.js';
import type { IntelObjectsTable } from './intel-schema.js';
import type { IntelObjectRepo, StixObjectRecord } from './intel-store.js';
import { pageLimit } from './page-cursor.js';
import { assertWritable, auditAuthority, orgIdsOf, scopeOrgId, type RepoContext } from './repo-context.js';
import type { Database } from './schema.js';

/** A database row as a StixObjectRecord. */
export function toStixObjectRecord(row: Selectable<IntelObjectsTable>): StixObjectRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    type: row.type,
    specVersion: row.spec_version,
    createdUs: row.created === null ? null : Number(row.created),
    modifiedUs: Number(row.modified),
    revoked: Number(row.revoked) === 1,
    tlp: row.tlp,
    json: row.json,
  };
}

/**
 * Inserts object versions, leaving versions already stored untouched (ON CONFLICT DO NOTHING), and
 * returns the count new. `trx` may be a transaction the caller already opened.
 */
export async function insertStixRecords(db: Kysely<Database>, records: StixObjectRecord[], storedAt: number): Promise<number> {
  const insert = async (trx: Kysely<Database>, chunk: StixObjectRecord[]) => {
    const result = await trx
      .insertInto('intel_objects')
      .values(
        chunk.map((r) => ({
          org_id: r.orgId, id: r.id, modified: r.modifiedUs, type: r.type, spec_version: r.specVersion, created: r.createdUs,
          revoked: r.revoked ? 1 : 0, tlp: r.tlp, stored_at: storedAt, json: r.json,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  };
  if (db.isTransaction) {
    let inserted = 0;
    for (let i = 0; i < records.length; i += 500) inserted += await insert(db, records.slice(i, i + 500));
    return inserted;
  }
  return insertChunked(db, records, insert);
}

function encodeIdCursor(id: string, orgId: string): string {
  return Buffer.from(JSON.stringify([id, orgId]), 'utf8').toString('base64url');
}

function decodeIdCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // falls through to the caller's error
  }
  throw new ShieldwallError('VALIDATION_FAILED', 'cursor: not a cursor returned by this API', { where: 'cursor' });
}

/** STIX objects produced by the scope's organisation (`org_id = scope.orgId`). */
export function intelObjectRepo(ctx: RepoContext): IntelObjectRepo {
  const { db, scope } = ctx;
  const confined = scopeOrgId(scope);
  const base = () => {
    const q = db.selectFrom('intel_objects').selectAll();
    return confined !== null ? q.where('org_id', '=', confined) : q;
  };

  return {
    async put(records) {
      records.forEach((r, i) => assertWritable(scope, r?.orgId, `intelObjects[${i}]`));
      await auditAuthority(ctx, 'write.intel_objects', null, { orgIds: orgIdsOf(records), count: records.length });
      return insertStixRecords(db, records, ctx.clock.now());
    },

    async get(id, modifiedUs) {
      let q = base().where('id', '=', id);
      if (modifiedUs !== undefined) q = q.where('modified', '=', modifiedUs);
      const row = await q.orderBy('modified', 'desc').orderBy('org_id').limit(1).executeTakeFirst();
      await auditAuthority(ctx, 'read.intel_objects', id, { orgIds: row ? [row.org_id] : [] });
      return row ? toStixObjectRecord(row) : null;
    },

    async versions(id) {
      const rows = await base().where('id', '=', id).orderBy('modified').orderBy('org_id').execute();
      await auditAuthority(ctx, 'read.intel_objects', id, { orgIds: orgIdsOf(rows.map((r) => ({ orgId: r.org_id }))) });
      return rows.map(toStixObjectRecord);
    },

    async list(q = {}) {
      const limit = pageLimit(q.limit);
      let s = base().where(
        'modified',
        '=',
        (eb) =>
          eb
            .selectFrom('intel_objects as v')
            .select((v) => v.fn.max('v.modified').as('m'))
            .whereRef('v.org_id', '=', 'intel_objects.org_id')
            .whereRef('v.id', '=', 'intel_objects.id'),
      );
      if (q.type !== undefined) s = s.where('type', '=', q.type);
      if (!q.includeRevoked) s = s.where('revoked', '=', 0);
      if (q.cursor) {
        const [id, orgId] = decodeIdCursor(q.cursor);
        s = s.where(sql<boolean>`(${sql.ref('id')}, ${sql.ref('org_id')}) > (${id}, ${orgId})`);
      }
      const rows = await s.orderBy('id').orderBy('org_id').limit(limit + 1).execute();
      const items = rows.slice(0, limit).map(toStixObjectRecord);
      const last = items.at(-1);
      const next = rows.length > limit && last ? encodeIdCursor(last.id, last.orgId) : null;
      await auditAuthority(ctx, 'read.intel_objects', null, { orgIds: orgIdsOf(items), count: items.length });
      return { items, next };
    },

    async delete(id) {
      if (confined === null) throw new ShieldwallError('FORBIDDEN', 'intel object delete: needs an organisation scope', { where: 'scope' });
      await auditAuthority(ctx, 'write.intel_objects', id, { delete: true });
      const result = await db.deleteFrom('intel_objects').where('org_id', '=', confined).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
