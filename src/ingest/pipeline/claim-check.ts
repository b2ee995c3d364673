import { JsonText } from '../../bus/index.js';
import type { BatchHolder } from './batch-preparation.js';

/**
 * The bus message of a batch whose parsed events a detection thread of this process holds: who
 * holds them instead of the events. Only on the in-process bus, whose consumer is this process.
 */
export interface ClaimCheck {
  claim: BatchHolder;
  orgId: string;
  batchId: string;
  /** Events in the batch (for the in-flight count when detection must read it from the store). */
  count: number;
  /** Receipt time of every event of the batch (one submission). */
  receivedAt: number;
}

/** The claim check as bus JSON; it starts with `{"claim":`, which {@link parseClaimCheck} relies on. */
export function encodeClaimCheck(c: ClaimCheck): JsonText {
  return new JsonText(
    `{"claim":${JSON.stringify(c.claim)},"orgId":${JSON.stringify(c.orgId)},"batchId":${JSON.stringify(c.batchId)},"count":${c.count},"receivedAt":${c.receivedAt}}`,
  );
}

/** The claim check in a bus message, or undefined for a full batch (JSON text or decoded). */
export function parseClaimCheck(data: unknown): ClaimCheck | undefined {
  if (typeof data === 'string') return data.startsWith('{"claim":') ? (JSON.parse(data) as ClaimCheck) : undefined;
  return data !== null && typeof data === 'object' && 'claim' in data ? (data as ClaimCheck) : undefined;
}
