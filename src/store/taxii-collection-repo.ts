import { sql, type Kysely, type Selectable } from 'kysely';
import { ShieldwallError } from '../errors/error-catalog.js';
import { isForeignKeyViolation, isUniqueViolation } from './constraint-errors.js';
import { insertStixRecords, toStixObjectRecord } from './intel-object-repo.js';
import type { TaxiiCollectionGrantsTable, TaxiiCollectionsTable } from './intel-schema.js';
import type { CollectionAddResult, CollectionEntryQuery, TaxiiCollection, TaxiiCollectionRepo, VersionFilter } from './intel-store.js';
import { assertWritable, auditAuthority, orgIdsOf, scopeOrgId, type RepoContext } from './repo-context.js';
import type { Database } from './schema.js';
import { roles, type Role } from './store.js';

/** Most entries one `entries` call returns (the TAXII layer asks for at most its page size + 1). */
export const maxEntryLimit = 10_000;
const defaultMediaTypes = ['application/stix+json;version=2.1'];
const chunk = 500;

type CollectionRow = Selectable<TaxiiCollectionsTable> & { can_read: number | null; can_write: number | null };

function toCollection(row: CollectionRow, grants: Selectable<TaxiiCollectionGrantsTable>[], orgId: string | null): TaxiiCollection {
  const mine = grants.filter((g) => g.collection_id === row.id);
  const owner = orgId === null || row.org_id === orgId;
  return {
    id: row.id,
    orgId: row.org_id,
    title: row.title,
    description: row.description,
    alias: row.alias,
    readOrgs: mine.filter((g) => Number(g.can_read) === 1).map((g) => g.org_id).sort(),
    writeOrgs: mine.filter((g) => Number(g.can_write) === 1).map((g) => g.org_id).sort(),
    mediaTypes: JSON.parse(row.media_types) as string[],
    readRole: row.read_role as Role,
    writeRole: row.write_role as Role,
    createdAt: Number(row.created_at),
    canRead: owner || Number(row.can_read) === 1,
    canWrite: owner || Number(row.can_write) === 1,
  };
}

function checkRole(role: unknown, where: string): Role {
  if (!roles.includes(role as Role)) {
    throw new ShieldwallError('VALIDATION_FAILED', `${where}: expected one of ${roles.join(', ')}, got ${String(role)}`, { where });
  }
  return role as Role;
}

/**
 * TAXII collections, visible to an organisation when it owns them or holds a grant.
 *
 * date_added is strictly increasing per collection: `addObjects` first updates the collection row
 * (a row lock on PostgreSQL, the single writer on SQLite), so POSTs to one collection allocate one
 * after another, inside the transaction that inserts the entries. Each new entry gets
 * max(last_added + 1, now in µs): µs resolution leaves room for 1,000 entries per millisecond
 * before the counter runs ahead of the clock, and ahead is harmless (it stays increasing). Because
 * the lock is held until commit, no entry can become visible with a date_added lower than one a
 * client has already seen, so paging by `added_after` never skips an entry.
 */
export function taxiiCollectionRepo(ctx: RepoContext): TaxiiCollectionRepo {
  const { db, scope } = ctx;
  const confined = scopeOrgId(scope);

  async function visible(id?: string): Promise<TaxiiCollection[]> {
    let q = db
      .selectFrom('taxii_collections as c')
      .leftJoin('taxii_collection_grants as g', (j) => j.onRef('g.collection_id', '=', 'c.id').on('g.org_id', '=', confined ?? ''))
      .selectAll('c')
      .select(['g.can_read', 'g.can_write']);
    if (confined !== null) q = q.where((eb) => eb.or([eb('c.org_id', '=', confined), eb('g.org_id', 'is not', null)]));
    if (id !== undefined) q = q.where('c.id', '=', id);
    const rows = (await q.orderBy('c.created_at').orderBy('c.id').execute()) as CollectionRow[];
    if (rows.length === 0) return [];
    const grants = await db.selectFrom('taxii_collection_grants').selectAll().where('collection_id', 'in', rows.map((r) => r.id)).execute();
    return rows.map((r) => toCollection(r, grants, confined));
  }

  async function access(id: string, right: 'read' | 'write'): Promise<TaxiiCollection> {
    const [c] = await visible(id);
    if (!c) throw new ShieldwallError('NOT_FOUND', `collection ${id} not found`, { where: 'collectionId' });
    if (right === 'read' ? !c.canRead : !c.canWrite) {
      throw new ShieldwallError('FORBIDDEN', `collection ${id}: organisation ${confined ?? ''} may not ${right}`, { where: 'collectionId' });
    }
    return c;
  }

  function entryQuery(trx: Kysely<Database>, collectionId: string, q: Omit<CollectionEntryQuery, 'limit'>) {
    let s = trx
      .selectFrom('taxii_collection_objects as m')
      .innerJoin('intel_objects as o', (j) =>
        j.onRef('o.org_id', '=', 'm.org_id').onRef('o.id', '=', 'm.object_id').onRef('o.modified', '=', 'm.modified'),
      )
      .selectAll('o')
      .select('m.date_added')
      .where('m.collection_id', '=', collectionId);
    if (q.afterUs !== undefined) s = s.where('m.date_added', '>', q.afterUs);
    if (q.ids?.length) s = s.where('m.object_id', 'in', q.ids);
    if (q.types?.length) s = s.where('o.type', 'in', q.types);
    if (q.specVersions?.length) s = s.where('o.spec_version', 'in', q.specVersions);
    const versions: VersionFilter[] = q.versions?.length ? q.versions : ['last'];
    if (!versions.includes('all')) {
      s = s.where((eb) => {
        const extreme = (fn: 'max' | 'min') =>
          eb
            .selectFrom('taxii_collection_objects as m2')
            .select((e) => e.fn[fn]('m2.modified').as('v'))
            .whereRef('m2.collection_id', '=', 'm.collection_id')
            .whereRef('m2.object_id', '=', 'm.object_id');
        return eb.or(
          versions.map((v) => (v === 'last' ? eb('m.last_version', '=', 1) : v === 'first' ? eb('m.modified', '=', extreme('min')) : eb('m.modified', '=', v as number))),
        );
      });
    }
    return s.orderBy('m.date_added');
  }

  return {
    async create(input) {
      assertWritable(scope, input.orgId, 'collection');
      if (typeof input.title !== 'string' || input.title.trim() === '') {
        throw new ShieldwallError('VALIDATION_FAILED', 'collection.title: must be a non-empty string', { where: 'collection.title' });
      }
      const readOrgs = [...new Set(input.readOrgs ?? [])].filter((o) => o !== input.orgId);
      const writeOrgs = [...new Set(input.writeOrgs ?? [])].filter((o) => o !== input.orgId);
      const id = input.id ?? ctx.ids.next();
      const now = ctx.clock.now();
      const readRole = checkRole(input.readRole ?? 'viewer', 'collection.readRole');
      const writeRole = checkRole(input.writeRole ?? 'analyst', 'collection.writeRole');
      await auditAuthority(ctx, 'write.taxii_collections', id, { orgIds: [input.orgId] });
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('taxii_collections')
            .values({
              id, org_id: input.orgId, title: input.title, description: input.description ?? null, alias: input.alias ?? null,
              media_types: JSON.stringify(input.mediaTypes?.length ? input.mediaTypes : defaultMediaTypes),
              read_role: readRole, write_role: writeRole, created_at: now, last_added: 0,
            })
            .execute();
          const grantees = [...new Set([...readOrgs, ...writeOrgs])];
          if (grantees.length > 0) {
            await trx
              .insertInto('taxii_collection_grants')
              .values(grantees.map((o) => ({ collection_id: id, org_id: o, can_read: readOrgs.includes(o) ? 1 : 0, can_write: writeOrgs.includes(o) ? 1 : 0 })))
              .execute();
          }
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw new ShieldwallError('CONFLICT', `collection ${id} already exists`, { where: 'collection.id' });
        if (isForeignKeyViolation(e)) throw new ShieldwallError('NOT_FOUND', `organisation ${input.orgId} not found`, { where: 'collection.orgId' });
        throw e;
      }
      const mediaTypes = input.mediaTypes?.length ? [...input.mediaTypes] : [...defaultMediaTypes];
      // The creator is the owner or the authority: both read and write.
      return {
        id, orgId: input.orgId, title: input.title, description: input.description ?? null, alias: input.alias ?? null,
        readOrgs: [...readOrgs].sort(), writeOrgs: [...writeOrgs].sort(), mediaTypes, readRole, writeRole, createdAt: now,
        canRead: true, canWrite: true,
      };
    },

    async list() {
      const items = await visible();
      await auditAuthority(ctx, 'read.taxii_collections', null, { orgIds: orgIdsOf(items), count: items.length });
      return items;
    },

    async get(id) {
      const [c] = await visible(id);
      await auditAuthority(ctx, 'read.taxii_collections', id, { orgIds: c ? [c.orgId] : [] });
      return c ?? null;
    },

    async addObjects(collectionId, records) {
      records.forEach((r, i) => assertWritable(scope, r?.orgId, `objects[${i}]`));
      await access(collectionId, 'write');
      await auditAuthority(ctx, 'write.taxii_collection_objects', collectionId, { orgIds: orgIdsOf(records), count: records.length });
      const now = ctx.clock.now();
      return db.transaction().execute(async (trx) => {
        const locked = await trx
          .updateTable('taxii_collections')
          .set({ last_added: sql<number>`last_added` })
          .where('id', '=', collectionId)
          .returning('last_added')
          .executeTakeFirstOrThrow();
        await insertStixRecords(trx, records, now);
        const known = new Map<string, number>();
        // Latest version per object id: what the collection held, then raised by this request.
        const latest = new Map<string, number>();
        const ids = [...new Set(records.map((r) => r.id))];
        for (let i = 0; i < ids.length; i += chunk) {
          const rows = await trx
            .selectFrom('taxii_collection_objects')
            .select(['object_id', 'modified', 'date_added'])
            .where('collection_id', '=', collectionId)
            .where('object_id', 'in', ids.slice(i, i + chunk))
            .execute();
          for (const r of rows) {
            known.set(`${r.object_id}\n${Number(r.modified)}`, Number(r.date_added));
            latest.set(r.object_id, Math.max(latest.get(r.object_id) ?? -1, Number(r.modified)));
          }
        }
        const before = new Map(latest);
        for (const r of records) latest.set(r.id, Math.max(latest.get(r.id) ?? -1, r.modifiedUs));
        let next = Math.max(Number(locked.last_added) + 1, now * 1000);
        const results: CollectionAddResult[] = [];
        const fresh: { collection_id: string; object_id: string; modified: number; date_added: number; org_id: string; last_version: number }[] = [];
        for (const r of records) {
          const key = `${r.id}\n${r.modifiedUs}`;
          const seen = known.get(key);
          if (seen !== undefined) {
            results.push({ id: r.id, modifiedUs: r.modifiedUs, dateAddedUs: seen, added: false });
            continue;
          }
          const dateAddedUs = next++;
          known.set(key, dateAddedUs);
          fresh.push({
            collection_id: collectionId, object_id: r.id, modified: r.modifiedUs, date_added: dateAddedUs, org_id: r.orgId,
            last_version: latest.get(r.id) === r.modifiedUs ? 1 : 0,
          });
          results.push({ id: r.id, modifiedUs: r.modifiedUs, dateAddedUs, added: true });
        }
        const superseded = [...before].filter(([id, m]) => latest.get(id)! > m).map(([id]) => id);
        for (let i = 0; i < superseded.length; i += chunk) {
          await trx
            .updateTable('taxii_collection_objects')
            .set({ last_version: 0 })
            .where('collection_id', '=', collectionId)
            .where('object_id', 'in', superseded.slice(i, i + chunk))
            .where('last_version', '=', 1)
            .execute();
        }
        for (let i = 0; i < fresh.length; i += chunk) await trx.insertInto('taxii_collection_objects').values(fresh.slice(i, i + chunk)).execute();
        if (fresh.length > 0) await trx.updateTable('taxii_collections').set({ last_added: next - 1 }).where('id', '=', collectionId).execute();
        return results;
      });
    },

    async entries(collectionId, q) {
      if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > maxEntryLimit) {
        throw new ShieldwallError('VALIDATION_FAILED', `limit: expected an integer from 1 to ${maxEntryLimit}, got ${String(q.limit)}`, { where: 'limit' });
      }
      await access(collectionId, 'read');
      const rows = await entryQuery(db, collectionId, q).limit(q.limit + 1).execute();
      const entries = rows.slice(0, q.limit).map((r) => ({ record: toStixObjectRecord(r), dateAddedUs: Number(r.date_added) }));
      await auditAuthority(ctx, 'read.taxii_collection_objects', collectionId, { orgIds: orgIdsOf(entries.map((e) => e.record)), count: entries.length });
      return { entries, more: rows.length > q.limit };
    },

    async removeObject(collectionId, objectId, q = {}) {
      await access(collectionId, 'write');
      await auditAuthority(ctx, 'write.taxii_collection_objects', collectionId, { delete: objectId });
      return db.transaction().execute(async (trx) => {
        const rows = await entryQuery(trx, collectionId, { ...q, ids: [objectId] }).execute();
        if (rows.length === 0) return 0;
        const result = await trx
          .deleteFrom('taxii_collection_objects')
          .where('collection_id', '=', collectionId)
          .where('object_id', '=', objectId)
          .where('modified', 'in', rows.map((r) => Number(r.modified)))
          .executeTakeFirst();
        // The latest version may be gone: the greatest one left becomes the latest.
        const left = await trx
          .selectFrom('taxii_collection_objects')
          .select((e) => e.fn.max('modified').as('m'))
          .where('collection_id', '=', collectionId)
          .where('object_id', '=', objectId)
          .executeTakeFirst();
        if (left?.m !== null && left?.m !== undefined) {
          await trx
            .updateTable('taxii_collection_objects')
            .set({ last_version: 1 })
            .where('collection_id', '=', collectionId)
            .where('object_id', '=', objectId)
            .where('modified', '=', Number(left.m))
            .execute();
        }
        return Number(result.numDeletedRows);
      });
    },
  };
}
