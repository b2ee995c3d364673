import { ShieldwallError } from '../errors/error-catalog.js';

/** Default and maximum page sizes of every paginated query. */
export const defaultPageLimit = 100;
export const maxPageLimit = 1000;

/**
 * Position after the last row of a page. Rows are ordered by (time desc, id desc, orgId desc);
 * orgId breaks ties only under the authority scope, where two organisations may use the same id.
 */
export interface CursorKey {
  time: number;
  id: string;
  orgId: string;
}

/** Opaque base64url cursor for `key`. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.time, key.id, key.orgId]), 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`; anything else is a caller's mistake. */
export function decodeCursor(cursor: string): CursorKey {
  const bad = () =>
    new ShieldwallError('VALIDATION_FAILED', 'cursor: not a cursor returned by this API', { where: 'cursor' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw bad();
  const [time, id, orgId] = parsed as unknown[];
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || typeof id !== 'string' || typeof orgId !== 'string') {
    throw bad();
  }
  return { time, id, orgId };
}

/** The page size for `limit`: default 100, capped at 1000; not a positive integer is an error. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return defaultPageLimit;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ShieldwallError('VALIDATION_FAILED', `limit: expected a positive integer, got ${String(limit)}`, {
      where: 'limit',
    });
  }
  return Math.min(limit, maxPageLimit);
}
