import { JetStreamApiError } from '@nats-io/jetstream';
import { ShieldwallError, isShieldwallError } from '../../errors/error-catalog.js';

/** JetStream API error codes we translate (nats-server's errors.json). */
const apiCodes = {
  streamNotFound: 10059,
  consumerNotFound: 10014,
  subjectsOverlap: 10065,
  streamNameInUse: 10058,
  workQueueMultipleUnfiltered: 10099,
  workQueueNotUnique: 10100,
} as const;

const conflicts = new Set<number>([
  apiCodes.subjectsOverlap,
  apiCodes.streamNameInUse,
  apiCodes.workQueueMultipleUnfiltered,
  apiCodes.workQueueNotUnique,
]);

/**
 * Turns a NATS client error into the ShieldwallError of the catalog, prefixed with `where` (the
 * operation and its object), so callers never see @nats-io error classes.
 */
export function toBusError(err: unknown, where: string, server: string): ShieldwallError {
  if (isShieldwallError(err)) return err;
  const reason = err instanceof Error ? err.message : String(err);
  if (err instanceof JetStreamApiError) {
    const code = err.code;
    if (code === apiCodes.streamNotFound || code === apiCodes.consumerNotFound) {
      return new ShieldwallError('NOT_FOUND', `${where}: ${reason}`, { where, natsCode: code }, { cause: err });
    }
    if (conflicts.has(code)) {
      return new ShieldwallError('CONFLICT', `${where}: ${reason}`, { where, natsCode: code }, { cause: err });
    }
    return new ShieldwallError('INTERNAL', `${where}: NATS refused: ${reason}`, { where, natsCode: code }, { cause: err });
  }
  // The client reports a publish nobody stored as JetStreamNotEnabled caused by "no responders";
  // JetStream was checked at connect, so it means no stream captures the subject.
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : '';
  if (/no responders/i.test(reason) || /no responders/i.test(cause)) {
    return new ShieldwallError('NOT_FOUND', `${where}: no stream captures this subject`, { where }, { cause: err });
  }
  return new ShieldwallError('BUS_UNAVAILABLE', `cannot reach NATS at ${server}: ${where}: ${reason}`, { where }, { cause: err });
}

/** The server list without credentials, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/g, '//');
}
