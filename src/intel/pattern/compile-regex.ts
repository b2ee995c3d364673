import { RE2JS } from 're2js';

/**
 * Compiles a MATCHES operand with RE2 (linear time): patterns come from untrusted peers and a
 * backtracking engine could be made to hang the process. Returns the reason when RE2 refuses it
 * (back-references, look-around…), which the validator turns into a pattern error.
 * DOTALL because PCRE's `.` in the spec's examples is meant to span the whole value.
 */
export function compileRegex(source: string): RE2JS | string {
  try {
    return RE2JS.compile(source, RE2JS.DOTALL);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** LIKE as an anchored RE2 regex: `%` is any run, `_` one character, the rest literal. */
export function compileLike(like: string): RE2JS {
  let out = '';
  for (const ch of like) out += ch === '%' ? '.*' : ch === '_' ? '.' : RE2JS.quote(ch);
  return RE2JS.compile(`^(?:${out})$`, RE2JS.DOTALL);
}
