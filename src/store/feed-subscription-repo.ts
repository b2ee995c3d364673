import type { ColumnType, Selectable } from 'kysely';
import { ShieldwallError } from '../errors/error-catalog.js';
import { isForeignKeyViolation, isUniqueViolation } from './constraint-errors.js';
import type { FeedAuth, FeedKind, FeedSubscription, FeedSubscriptionRepo } from './feed-subscription-store.js';
import { assertWritable, auditAuthority, scopeOrgId, type RepoContext } from './repo-context.js';
import type { EpochMs, NullableEpochMs } from './schema.js';

/** Row shape of `feed_subscriptions` (migration 0005). */
export interface FeedSubscriptionsTable {
  id: string;
  org_id: string;
  kind: string;
  url: string;
  collection_id: string | null;
  auth: string | null;
  interval_s: ColumnType<number, number, number>;
  cursor: string | null;
  last_polled_at: NullableEpochMs;
  last_error: string | null;
  created_at: EpochMs;
}

const kinds: readonly FeedKind[] = ['taxii', 'misp-feed'];

function toSubscription(row: Selectable<FeedSubscriptionsTable>): FeedSubscription {
  return {
    id: row.id,
    orgId: row.org_id,
    kind: row.kind as FeedKind,
    url: row.url,
    collectionId: row.collection_id,
    auth: row.auth === null ? null : (JSON.parse(row.auth) as FeedAuth),
    intervalS: Number(row.interval_s),
    cursor: row.cursor,
    lastPolledAt: row.last_polled_at === null ? null : Number(row.last_polled_at),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
  };
}

/** Feed subscriptions seen through one scope (`org_id = scope.orgId`). */
export function feedSubscriptionRepo(ctx: RepoContext): FeedSubscriptionRepo {
  const { scope } = ctx;
  // The table is not in the shared Database type: only this repository knows it.
  const db = ctx.db.withTables<{ feed_subscriptions: FeedSubscriptionsTable }>();
  const confined = scopeOrgId(scope);
  return {
    async create(sub) {
      assertWritable(scope, sub.orgId, 'subscription');
      if (!kinds.includes(sub.kind)) {
        throw new ShieldwallError('VALIDATION_FAILED', `subscription.kind: expected one of ${kinds.join(', ')}, got ${String(sub.kind)}`, { where: 'subscription.kind' });
      }
      if (!Number.isInteger(sub.intervalS) || sub.intervalS < 1) {
        throw new ShieldwallError('VALIDATION_FAILED', `subscription.intervalS: expected a positive integer, got ${String(sub.intervalS)}`, { where: 'subscription.intervalS' });
      }
      const record: FeedSubscription = {
        id: sub.id, orgId: sub.orgId, kind: sub.kind, url: sub.url, collectionId: sub.collectionId ?? null, auth: sub.auth ?? null,
        intervalS: sub.intervalS, cursor: null, lastPolledAt: null, lastError: null, createdAt: ctx.clock.now(),
      };
      await auditAuthority(ctx, 'write.feed_subscriptions', record.id, { orgIds: [record.orgId] });
      try {
        await db
          .insertInto('feed_subscriptions')
          .values({
            id: record.id, org_id: record.orgId, kind: record.kind, url: record.url, collection_id: record.collectionId,
            auth: record.auth === null ? null : JSON.stringify(record.auth), interval_s: record.intervalS, cursor: null,
            last_polled_at: null, last_error: null, created_at: record.createdAt,
          })
          .execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw new ShieldwallError('CONFLICT', `subscription ${record.id} already exists`, { where: 'subscription.id' });
        if (isForeignKeyViolation(e)) throw new ShieldwallError('NOT_FOUND', `organisation ${record.orgId} not found`, { where: 'subscription.orgId' });
        throw e;
      }
      return record;
    },

    async get(id) {
      let q = db.selectFrom('feed_subscriptions').selectAll().where('id', '=', id);
      if (confined !== null) q = q.where('org_id', '=', confined);
      const row = await q.executeTakeFirst();
      await auditAuthority(ctx, 'read.feed_subscriptions', id, { orgIds: row ? [row.org_id] : [] });
      return row ? toSubscription(row) : null;
    },

    async list() {
      let q = db.selectFrom('feed_subscriptions').selectAll().orderBy('created_at').orderBy('id');
      if (confined !== null) q = q.where('org_id', '=', confined);
      const rows = await q.execute();
      await auditAuthority(ctx, 'read.feed_subscriptions', null, { count: rows.length });
      return rows.map(toSubscription);
    },

    async recordPoll(id, poll) {
      let q = db
        .updateTable('feed_subscriptions')
        .set({ last_polled_at: poll.at, last_error: poll.error, ...(poll.cursor !== undefined ? { cursor: poll.cursor } : {}) })
        .where('id', '=', id);
      if (confined !== null) q = q.where('org_id', '=', confined);
      await auditAuthority(ctx, 'write.feed_subscriptions', id, { poll: true });
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async saveCursor(id, cursor) {
      let q = db.updateTable('feed_subscriptions').set({ cursor }).where('id', '=', id);
      if (confined !== null) q = q.where('org_id', '=', confined);
      await auditAuthority(ctx, 'write.feed_subscriptions', id, { cursor: true });
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async delete(id) {
      let q = db.deleteFrom('feed_subscriptions').where('id', '=', id);
      if (confined !== null) q = q.where('org_id', '=', confined);
      await auditAuthority(ctx, 'write.feed_subscriptions', id, { delete: true });
      const result = await q.executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
