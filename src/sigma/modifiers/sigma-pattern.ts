/**
 * A Sigma string value after escape processing: literal text interleaved with the two wildcards.
 * `*` matches any run of characters, `?` exactly one. Kept as parts (not a regex) so encodings,
 * the contains/startswith/endswith modifiers and the index can reason about the literal text.
 */
export type PatternPart = string | typeof STAR | typeof ONE;

/** Wildcard `*` (any run, possibly empty). */
export const STAR = 0;
/** Wildcard `?` (exactly one character). */
export const ONE = 1;

/**
 * Parses a Sigma string with wildcards and backslash escapes (spec "Escape Character"): `\*`, `\?`
 * and `\\` escape; a backslash before any other character is a plain backslash.
 * @example parseSigmaPattern('a\\*b*') // ['a*b', STAR]
 */
export function parseSigmaPattern(raw: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let text = '';
  // Literal runs are sliced whole (`from` = start of the pending run): appending character by
  // character made this one of the largest allocators of rule loading.
  let from = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 92 /* \ */) {
      const next = raw.charCodeAt(i + 1);
      if (next === 42 /* * */ || next === 63 /* ? */ || next === 92) {
        text += raw.slice(from, i) + raw[i + 1];
        i++;
        from = i + 1;
      }
    } else if (c === 42 || c === 63) {
      text += raw.slice(from, i);
      from = i + 1;
      if (text) parts.push(text);
      text = '';
      // Collapse runs of `*`: they mean the same and keep the glob matcher linear-ish.
      if (c === 42 && parts[parts.length - 1] === STAR) continue;
      parts.push(c === 42 ? STAR : ONE);
    }
  }
  text += raw.slice(from);
  if (text) parts.push(text);
  return parts;
}

/** A pattern that is plain text (no wildcards). */
export function literalPattern(text: string): PatternPart[] {
  return text ? [text] : [];
}

/** Adds `*` at the start and/or end unless already there. */
export function wrapPattern(parts: PatternPart[], start: boolean, end: boolean): PatternPart[] {
  const out = parts.slice();
  if (start && out[0] !== STAR) out.unshift(STAR);
  if (end && out[out.length - 1] !== STAR) out.push(STAR);
  return out;
}

/** Joins the literal text of a pattern, or undefined when it contains a wildcard. */
export function patternText(parts: PatternPart[]): string | undefined {
  let s = '';
  for (const p of parts) {
    if (typeof p !== 'string') return undefined;
    s += p;
  }
  return s;
}

/** Maps the literal parts of a pattern, keeping the wildcards in place. */
export function mapLiterals(parts: PatternPart[], fn: (s: string) => string): PatternPart[] {
  return parts.map((p) => (typeof p === 'string' ? fn(p) : p));
}
