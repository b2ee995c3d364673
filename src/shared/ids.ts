import { randomBytes, randomUUID } from 'node:crypto';

/** Generates record ids; injected so tests can produce deterministic ids. */
export interface IdGenerator {
  /** A new globally unique id (UUID v4 unless a test injects otherwise). */
  next(): string;
}

export const randomIds: IdGenerator = { next: () => randomUUID() };

/** Deterministic ids `prefix-1`, `prefix-2`, ... for tests. */
export function sequentialIds(prefix = 'id'): IdGenerator {
  let n = 0;
  return { next: () => `${prefix}-${++n}` };
}

/** `bytes` of cryptographic randomness as base64url; used for secrets. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
