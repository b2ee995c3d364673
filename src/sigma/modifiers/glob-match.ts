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

/**
 * {@link globMatch} compiled for one pattern. A pattern of literals and `*` only (what a
 * `contains` value with an inner wildcard gives: ` -e* JAB`) is matched by native searches: each
 * literal at its leftmost occurrence after the previous one, the first one at the start and the
 * last one at the end unless a `*` frees them. Leftmost is never wrong when the only wildcard is
 * `*`: a later occurrence leaves less text for the rest. The character loop of `globMatch` cost
 * ~3 ns a character and pattern over 135-character command lines; `indexOf` is native.
 * A pattern with `?` keeps `globMatch`.
 */
export function globMatcher(parts: readonly PatternPart[]): (value: string) => boolean {
  if (parts.includes(ONE)) return (value) => globMatch(parts, value);
  const lead = parts[0] === STAR;
  const trail = parts.length > 0 && parts[parts.length - 1] === STAR;
  // Literals between stars, adjacent ones joined.
  const lits: string[] = [];
  let cur = '';
  for (const p of parts) {
    if (p !== STAR) cur += p as string;
    else if (cur !== '') {
      lits.push(cur);
      cur = '';
    }
  }
  if (cur !== '') lits.push(cur);
  if (lits.length === 0) return parts.length === 0 ? (value) => value === '' : () => true;
  if (!lead && !trail && lits.length === 1) {
    const only = lits[0]!;
    return (value) => value === only;
  }
  const first = lead ? undefined : lits[0]!;
  const last = trail ? undefined : lits[lits.length - 1]!;
  const middle = lits.slice(first === undefined ? 0 : 1, last === undefined ? lits.length : lits.length - 1);
  return (value) => {
    let pos = 0;
    if (first !== undefined) {
      if (!value.startsWith(first)) return false;
      pos = first.length;
    }
    for (let k = 0; k < middle.length; k++) {
      const at = value.indexOf(middle[k]!, pos);
      if (at < 0) return false;
      pos = at + middle[k]!.length;
    }
    return last === undefined || (value.length - last.length >= pos && value.endsWith(last));
  };
}
