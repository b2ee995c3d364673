import { ShieldwallError } from '../errors/error-catalog.js';

/** Checks shared by the adapters so both reject bad names and numbers with the same error. */

/** Stream and group names: letters, digits, `_` and `-` (JetStream forbids `.`, `*`, `>`, spaces, slashes). */
export function assertName(name: string, what: string): void {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(name)) {
    throw new ShieldwallError('BAD_REQUEST', `invalid ${what} name "${name}": use 1-200 letters, digits, "_" or "-"`, {
      where: what,
    });
  }
}

/** Returns `n` when it is a positive integer; BAD_REQUEST naming the option otherwise. */
export function assertPositive(n: number, option: string): number {
  if (!Number.isInteger(n) || n <= 0) {
    throw new ShieldwallError('BAD_REQUEST', `${option} must be a positive integer, got ${n}`, { where: option });
  }
  return n;
}
