import { ONE, STAR, type PatternPart } from './sigma-pattern.js';

/**
 * Matches `value` against a wildcard pattern (already case-folded when matching is insensitive).
 * Greedy two-pointer algorithm with backtracking to the last `*` only: O(n·m) worst case, no
 * exponential blow-up whatever the pattern, which matters because rules are untrusted input.
 */
export function globMatch(parts: readonly PatternPart[], value: string): boolean {
  let pi = 0; // part index
  let off = 0; // offset inside a literal part
  let vi = 0;
  let starPart = -1;
  let starVi = 0;
  while (vi < value.length) {
    const p = parts[pi];
    if (typeof p === 'string') {
      if (p.charCodeAt(off) === value.charCodeAt(vi)) {
        vi++;
        if (++off === p.length) {
          pi++;
          off = 0;
        }
        continue;
      }
    } else if (p === ONE) {
      pi++;
      vi++;
      continue;
    } else if (p === STAR) {
      if (pi === parts.length - 1) return true; // a trailing `*` takes whatever is left
      starPart = ++pi;
      starVi = vi;
      off = 0;
      continue;
    }
    if (starPart < 0) return false;
    pi = starPart;
    off = 0;
    vi = ++starVi;
  }
  while (pi < parts.length && parts[pi] === STAR) pi++;
  return pi === parts.length && off === 0;
}
