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
 * {@link globMatch} compiled for one pattern, matched by native searches: the pattern is split at
 * its `*`s into fixed-length segments (literals and `?`), and each segment is placed at its
 * leftmost occurrence after the previous one, the first at the start and the last at the end
 * unless a `*` frees them. Leftmost is never wrong between `*`s: a later placement leaves less text
 * for the rest. A segment is found by `indexOf` of its longest literal, then checked around it.
 * The character loop of `globMatch` cost ~3 ns a character and pattern over 135-character command
 * lines (` -e* JAB` and seven like it in one SigmaHQ rule); `indexOf` is native.
 */
export function globMatcher(parts: readonly PatternPart[]): (value: string) => boolean {
  const segs: Segment[] = [];
  let cur: (string | typeof ONE)[] = [];
  const close = (): void => {
    if (cur.length > 0) segs.push(segment(cur));
    cur = [];
  };
  for (const p of parts) {
    if (p === STAR) close();
    else if (typeof p === 'string' && typeof cur[cur.length - 1] === 'string') cur[cur.length - 1] += p;
    else if (p !== '') cur.push(p);
  }
  close();
  const lead = parts[0] === STAR;
  const trail = parts.length > 0 && parts[parts.length - 1] === STAR;
  if (segs.length === 0) return parts.length === 0 ? (value) => value === '' : () => true;
  if (!lead && !trail && segs.length === 1) {
    const only = segs[0]!;
    return (value) => value.length === only.len && matchesAt(only, value, 0);
  }
  const first = lead ? undefined : segs[0]!;
  const last = trail ? undefined : segs[segs.length - 1]!;
  const middle = segs.slice(first === undefined ? 0 : 1, last === undefined ? segs.length : segs.length - 1);
  return (value) => {
    let pos = 0;
    if (first !== undefined) {
      if (first.len > value.length || !matchesAt(first, value, 0)) return false;
      pos = first.len;
    }
    for (let k = 0; k < middle.length; k++) {
      const at = find(middle[k]!, value, pos);
      if (at < 0) return false;
      pos = at + middle[k]!.len;
    }
    if (last === undefined) return true;
    const at = value.length - last.len;
    return at >= pos && matchesAt(last, value, at);
  };
}

/** A run of literals and `?` between two `*`: its length in UTF-16 units and its longest literal. */
interface Segment {
  parts: (string | typeof ONE)[];
  len: number;
  /** The longest literal, searched for with `indexOf` ('' when the segment is all `?`)… */
  anchor: string;
  /** …and its offset in the segment. */
  anchorAt: number;
}

function segment(parts: (string | typeof ONE)[]): Segment {
  let len = 0;
  let anchor = '';
  let anchorAt = 0;
  for (const p of parts) {
    if (typeof p === 'string' && p.length > anchor.length) {
      anchor = p;
      anchorAt = len;
    }
    len += typeof p === 'string' ? p.length : 1;
  }
  return { parts, len, anchor, anchorAt };
}

/** Whether the segment matches `value` at `at` (the caller checked that it fits). */
function matchesAt(seg: Segment, value: string, at: number): boolean {
  let k = at;
  for (const p of seg.parts) {
    if (p === ONE) k++;
    else {
      if (!value.startsWith(p, k)) return false;
      k += p.length;
    }
  }
  return true;
}

/** Leftmost start ≥ `from` where the segment matches, or -1. */
function find(seg: Segment, value: string, from: number): number {
  if (seg.anchor === '') return from + seg.len <= value.length ? from : -1;
  for (let i = value.indexOf(seg.anchor, from + seg.anchorAt); i >= 0; i = value.indexOf(seg.anchor, i + 1)) {
    const start = i - seg.anchorAt;
    if (start + seg.len > value.length) return -1;
    if (matchesAt(seg, value, start)) return start;
  }
  return -1;
}
