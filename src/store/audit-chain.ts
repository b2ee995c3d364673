import type { Kysely } from 'kysely';
import { ShieldwallError } from '../errors/error-catalog.js';
import type { AuditEntry } from './store.js';
import type { Database } from './schema.js';
import { auditHash, genesisHash } from './audit-hash.js';

/** What a caller supplies for a new audit entry; seq and hashes are computed here. */
export interface NewAuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
  at: number;
}

type AuditRow = {
  seq: number | string;
  org_id: string;
  at: number | string;
  actor: string;
  action: string;
  target: string | null;
  details: string;
  prev_hash: string;
  hash: string;
};

const maxAttempts = 25;

/** Row mapper shared by list and verify. */
export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    orgId: row.org_id,
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: JSON.parse(row.details) as Record<string, unknown>,
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}

/**
 * Appends to the chain of `orgId`. Portable optimistic concurrency instead of dialect locks: seq is
 * globally unique and (org_id, prev_hash) is unique, so two writers that read the same chain head
 * cannot both insert (no fork); the loser re-reads the head and retries.
 */
export async function appendAuditEntry(db: Kysely<Database>, orgId: string, entry: NewAuditEntry): Promise<AuditEntry> {
  // Round-trip through JSON first so the hash covers exactly what is stored (undefined dropped, dates as strings).
  const details = JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>;
  const target = entry.target ?? null;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const head = await db
      .selectFrom('audit_log')
      .select('hash')
      .where('org_id', '=', orgId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const top = await db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
    const seq = Number(top?.max ?? 0) + 1;
    const prevHash = head?.hash ?? genesisHash;
    const fields = { seq, orgId, at: entry.at, actor: entry.actor, action: entry.action, target, details };
    const hash = auditHash(prevHash, fields);
    const result = await db
      .insertInto('audit_log')
      .values({ seq, org_id: orgId, at: entry.at, actor: entry.actor, action: entry.action, target, details: JSON.stringify(details), prev_hash: prevHash, hash })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 1) return { ...fields, hash, prevHash };
  }
  throw new ShieldwallError('INTERNAL', `audit: could not append to the chain of ${orgId} after ${maxAttempts} concurrent attempts`);
}

/**
 * Walks the chains of `orgId` (or every chain when null) in seq order, a batch at a time, and
 * returns the seq of the first entry whose hash or link does not recompute, or null when intact.
 */
export async function verifyAuditChains(db: Kysely<Database>, orgId: string | null): Promise<number | null> {
  const heads = new Map<string, string>();
  let after = 0;
  for (;;) {
    let q = db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq', 'asc').limit(1000);
    if (orgId !== null) q = q.where('org_id', '=', orgId);
    const rows = await q.execute();
    for (const row of rows) {
      const e = toAuditEntry(row);
      const expectedPrev = heads.get(e.orgId) ?? genesisHash;
      if (e.prevHash !== expectedPrev || auditHash(e.prevHash, e) !== e.hash) return e.seq;
      heads.set(e.orgId, e.hash);
      after = e.seq;
    }
    if (rows.length < 1000) return null;
  }
}
