import { RE2JS } from 're2js';
import { hasClassRun, requiredClassRun, type ClassRun } from './regex-class-run.js';
import { requiredRuns } from './regex-literal.js';

/** Runs shorter than this rule out too little to pay for the `includes`. */
const minRunLength = 2;

/**
 * Literal runs that every match of a rule regex must contain (see `requiredRuns`), tested with
 * native `includes` before the regex runs: re2js scans in JavaScript, about two orders of
 * magnitude slower than `includes`, and obfuscation rules run it over 8 KB PowerShell script
 * blocks (`(?i)(set).*&&\\s?set.*…` needs `&&`, which most scripts lack).
 *
 * A case-sensitive regex needs its runs as written in the text. A case-insensitive one (flag or
 * any inline `(?…)` group) needs them in the lower-cased text, kept only when every character is
 * ASCII other than `s` and `k`: RE2 folds those two with `ſ` and the Kelvin sign, which
 * `toLowerCase` does not map to `s`/`k` in the same way.
 */
export class RegexPrefilter {
  private static readonly cache = new WeakMap<object, RegexPrefilter>();
  private static readonly none = new RegexPrefilter([], [], undefined);

  private constructor(
    private readonly cased: readonly string[],
    private readonly folded: readonly string[],
    /** A run of one character class every match holds (`[a-fA-F0-9]{64}`), found by a plain loop. */
    private readonly run: ClassRun | undefined,
  ) {}

  /** The prefilter of a compiled `re` value test, built on first use. */
  static of(test: { re: { flags(): number }; source: string }): RegexPrefilter {
    let p = RegexPrefilter.cache.get(test);
    if (p === undefined) RegexPrefilter.cache.set(test, (p = RegexPrefilter.build(test.source, test.re.flags())));
    return p;
  }

  /** @param flags RE2JS compile flags of the regex */
  static build(source: string, flags: number): RegexPrefilter {
    const run = requiredClassRun(source, (flags & RE2JS.CASE_INSENSITIVE) !== 0, (flags & RE2JS.DOTALL) !== 0);
    const runs = (requiredRuns(source) ?? []).filter((r) => r.length >= minRunLength);
    if (runs.length === 0) return run === undefined ? RegexPrefilter.none : new RegexPrefilter([], [], run);
    const insensitive = (flags & RE2JS.CASE_INSENSITIVE) !== 0 || source.includes('(?');
    if (!insensitive) return new RegexPrefilter(runs, [], run);
    const folded = runs.filter((r) => isAscii(r) && !/[sk]/i.test(r)).map((r) => r.toLowerCase());
    return folded.length === 0 && run === undefined ? RegexPrefilter.none : new RegexPrefilter([], folded, run);
  }

  /**
   * Whether {@link mayMatch} is the regex's whole answer (a regex that is one repeated `.`, such as
   * `.{1000,}`): then the regex need not run. re2js took ~0.4 ms for that one over a long
   * PowerShell command line, where the loop takes a few µs.
   */
  decides(): boolean {
    return this.run?.whole === true;
  }

  /** Whether {@link mayMatch} reads its `folded` argument (a caller can skip folding otherwise). */
  readsFolded(): boolean {
    return this.folded.length > 0;
  }

  /** False when the regex surely cannot match `text` (`folded` is its lower-cased form). */
  mayMatch(text: string, folded: string): boolean {
    const cased = this.cased;
    for (let i = 0; i < cased.length; i++) if (!text.includes(cased[i]!)) return false;
    const f = this.folded;
    for (let i = 0; i < f.length; i++) if (!folded.includes(f[i]!)) return false;
    return this.run === undefined || hasClassRun(text, this.run);
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}
