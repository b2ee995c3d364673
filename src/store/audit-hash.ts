import { createHash } from 'node:crypto';

/** prev_hash of the first entry of every chain. */
export const genesisHash = '0'.repeat(64);

/** The hashed part of an audit entry: everything but the hashes themselves. */
export interface HashedAuditFields {
  seq: number;
  orgId: string;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

/**
 * JSON with object keys sorted at every depth, so the same entry always hashes the same whatever
 * the key order it was built or parsed with.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && typeof v !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 hex of prevHash followed by the canonical JSON of the entry. */
export function auditHash(prevHash: string, entry: HashedAuditFields): string {
  const { seq, orgId, at, actor, action, target, details } = entry;
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson({ seq, orgId, at, actor, action, target, details }))
    .digest('hex');
}
