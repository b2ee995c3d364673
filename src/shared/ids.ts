import { randomBytes, randomUUID } from 'node:crypto';

/** Generates record ids; injected so tests can produce deterministic ids. */
export interface IdGenerator {
  /** A new globally unique id (UUID v4 unless a test injects otherwise). */
  next(): string;
}

export const randomIds: IdGenerator = { next: () => randomUUID() };

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds from `now`, then 74 random bits. Ids
 * made in time order sort in time order, so rows keyed by them are appended at the right edge of
 * a B-tree instead of landing on a random page each: with random ids, every event inserted into
 * SQLite's (org_id, id) index dirtied its own 32 KiB page, rewritten to the WAL per batch. Not
 * for STIX objects, whose ids must be version 4.
 */
export function timeOrderedIds(now: () => number = Date.now): IdGenerator {
  return {
    next: () => {
      const t = Math.max(0, Math.floor(now())).toString(16).padStart(12, '0').slice(-12);
      // A version 4 UUID's random bits and variant, behind the time and the version digit 7.
      return `${t.slice(0, 8)}-${t.slice(8)}-7${randomUUID().slice(15)}`;
    },
  };
}

/** Deterministic ids `prefix-1`, `prefix-2`, ... for tests. */
export function sequentialIds(prefix = 'id'): IdGenerator {
  let n = 0;
  return { next: () => `${prefix}-${++n}` };
}

/** `bytes` of cryptographic randomness as base64url; used for secrets. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
