/**
 * Result type shared by every ingest parser. Parsers never throw on bad input: they return
 * `{ ok: false, error }` with a stable code and a message that says where and what, so a
 * receiver can count, log and drop one bad record without losing the connection.
 */

/** Stable error codes of the ingest parsers; tests assert on these, never on message text. */
export type IngestErrorCode =
  | 'FRAME_TOO_LARGE'
  | 'FRAME_BAD_OCTET_COUNT'
  | 'FRAME_TRUNCATED'
  | 'UTF8_INVALID'
  | 'SYSLOG_EMPTY'
  | 'SYSLOG_BAD_PRI'
  | 'SYSLOG_BAD_VERSION'
  | 'SYSLOG_BAD_TIMESTAMP'
  | 'SYSLOG_BAD_HEADER'
  | 'SYSLOG_BAD_STRUCTURED_DATA'
  | 'CEF_NOT_FOUND'
  | 'CEF_BAD_HEADER'
  | 'CEF_BAD_EXTENSION'
  | 'JSON_INVALID'
  | 'EVE_BAD_EVENT'
  | 'ZEEK_BAD_EVENT'
  | 'WINDOWS_BAD_EVENT'
  | 'UNKNOWN_FORMAT';

/** A parse failure: code, human message, and where (character/byte `offset` or `field` path). */
export interface IngestError {
  code: IngestErrorCode;
  message: string;
  offset?: number;
  field?: string;
}

/** Success carries the value; failure carries an {@link IngestError}. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: IngestError };

/** Builds a success result. */
export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

/** Builds a failure result; `where` adds `offset` and/or `field`. */
export function fail<T = never>(
  code: IngestErrorCode,
  message: string,
  where: { offset?: number; field?: string } = {},
): ParseResult<T> {
  const error: IngestError = { code, message };
  if (where.offset !== undefined) error.offset = where.offset;
  if (where.field !== undefined) error.field = where.field;
  return { ok: false, error };
}

/** Describes a JSON value's kind for error messages ("expected object, got array"). */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
