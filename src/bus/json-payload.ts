import { ShieldwallError } from '../errors/error-catalog.js';

/**
 * Messages travel as JSON on every adapter, so the memory bus copies data exactly as NATS would
 * (no shared references, no Dates or Maps surviving) and a non-JSON value fails the same way.
 */

/**
 * A payload its publisher has already encoded as JSON text, published as is. Hot paths that build
 * their JSON from pieces they already hold as text (e.g. the ingest pipeline's event batches) skip
 * a stringify of the whole object this way. The text must be valid JSON: consumers decode it like
 * any other payload, and only a `decode: false` consumer would see a malformed one unnoticed.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/** JSON text of `data`; BAD_REQUEST naming the subject when `data` cannot be encoded. */
export function encodePayload(subject: string, data: unknown): string {
  if (data instanceof JsonText) return data.text;
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (err) {
    throw new ShieldwallError('BAD_REQUEST', `publish ${subject}: data is not JSON-serialisable: ${(err as Error).message}`, {
      where: subject,
    });
  }
  if (text === undefined) {
    throw new ShieldwallError('BAD_REQUEST', `publish ${subject}: data is not JSON-serialisable (${typeof data})`, {
      where: subject,
    });
  }
  return text;
}

/** Parses a stored payload; BAD_REQUEST naming the subject when it is not JSON. */
export function decodePayload<T>(subject: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new ShieldwallError('BAD_REQUEST', `message on ${subject}: payload is not JSON: ${(err as Error).message}`, {
      where: subject,
    });
  }
}
