/**
 * The one catalog of errors. Every error that leaves a module boundary is a ShieldwallError with a
 * stable code from this table; tests assert on codes, never on message text.
 * `genre` decides the log level: a caller's mistake is logged at info, a technical fault at error.
 */
export const errorCatalog = {
  // caller's mistakes (4xx)
  BAD_REQUEST: { status: 400, genre: 'caller' },
  INVALID_JSON: { status: 400, genre: 'caller' },
  VALIDATION_FAILED: { status: 400, genre: 'caller' },
  UNAUTHENTICATED: { status: 401, genre: 'caller' },
  FORBIDDEN: { status: 403, genre: 'caller' },
  NOT_FOUND: { status: 404, genre: 'caller' },
  METHOD_NOT_ALLOWED: { status: 405, genre: 'caller' },
  NOT_ACCEPTABLE: { status: 406, genre: 'caller' },
  CONFLICT: { status: 409, genre: 'caller' },
  PAYLOAD_TOO_LARGE: { status: 413, genre: 'caller' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, genre: 'caller' },
  RATE_LIMITED: { status: 429, genre: 'caller' },
  // configuration and start-up
  CONFIG_INVALID: { status: 500, genre: 'technical' },
  // technical faults (5xx)
  INTERNAL: { status: 500, genre: 'technical' },
  STORE_UNAVAILABLE: { status: 503, genre: 'technical' },
  STORE_MIGRATION_FAILED: { status: 500, genre: 'technical' },
  BUS_UNAVAILABLE: { status: 503, genre: 'technical' },
  SHUTTING_DOWN: { status: 503, genre: 'technical' },
  PORT_IN_USE: { status: 500, genre: 'technical' },
  // scoping (a programming error: an unscoped query was attempted)
  SCOPE_REQUIRED: { status: 500, genre: 'technical' },
} as const satisfies Record<string, { status: number; genre: 'caller' | 'technical' }>;

export type ErrorCode = keyof typeof errorCatalog;

/** An error with a stable code, an HTTP status and structured details (`where`, `what`). */
export class ShieldwallError extends Error {
  readonly status: number;
  readonly genre: 'caller' | 'technical';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ShieldwallError';
    this.status = errorCatalog[code].status;
    this.genre = errorCatalog[code].genre;
  }

  /** The wire shape `{error: {code, message, details}}`. */
  toJSON(): { error: { code: ErrorCode; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export function isShieldwallError(e: unknown): e is ShieldwallError {
  return e instanceof ShieldwallError;
}
