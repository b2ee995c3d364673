import { RE2JS, RE2Set } from 're2js';

/**
 * The regular expression of a `|re` value: checked when the rule loads, compiled on first use.
 * Most rules of a large set never see an event of their logsource, and compiling a RE2 program
 * (instructions, one-pass analysis, prefilter) costs about as much again as parsing the pattern:
 * ~50 ms of CPU and ~2 MB of heap for the 217 regexes of the SigmaHQ rules.
 */
export class SigmaRegex {
  private compiled: RE2JS | undefined;

  /**
   * @param flags `RE2JS` flag bits (`CASE_INSENSITIVE`, `MULTILINE`, `DOTALL`)
   * @throws the syntax error `RE2JS.compile` would throw: `RE2Set.add` runs the same flag checks
   * and the same parser (with its size limits), without building the program.
   */
  constructor(
    readonly source: string,
    private readonly flagBits: number,
  ) {
    new RE2Set(RE2Set.UNANCHORED, flagBits).add(source);
  }

  /** The `RE2JS` flag bits, as `RE2JS#flags()` gives them. */
  flags(): number {
    return this.flagBits;
  }

  /** Whether the pattern matches anywhere in `text`. */
  test(text: string): boolean {
    return (this.compiled ??= RE2JS.compile(this.source, this.flagBits)).test(text);
  }
}
