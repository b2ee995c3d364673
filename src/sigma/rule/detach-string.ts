/**
 * A copy of `s` that does not point into a larger string. V8 represents a substring of 13 or more
 * characters (`slice`, `split`, regex captures) as a view that keeps its whole parent alive: every
 * title, description or field name read from a rule file would keep the file's text, all 5.6 MB
 * of the SigmaHQ rules, for as long as the rule set lives. Concatenating forces a flat copy of the
 * value alone (the `slice` that follows points into that copy, one character longer).
 * @example detachString(fileText.slice(10, 60)) // same characters, fileText can be collected
 */
export function detachString(s: string): string {
  // Shorter substrings are copied by V8 already.
  return s.length < 13 ? s : (' ' + s).slice(1);
}
