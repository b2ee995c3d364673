/**
 * Recognises constraint violations from either driver by their error codes, so repositories can
 * turn them into catalog errors without importing a driver.
 */
function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A primary key or unique constraint was violated. */
export function isUniqueViolation(e: unknown): boolean {
  const code = codeOf(e);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** A foreign key pointed at a missing row. */
export function isForeignKeyViolation(e: unknown): boolean {
  const code = codeOf(e);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
