/**
 * The longest literal run that every match of a regular expression must contain, or undefined
 * when none can be proven (top-level alternation, or no run of at least `minLength` characters).
 * Deliberately conservative: groups, classes, escapes of character sets and anything followed by
 * an optional quantifier end a run. Used as a prefilter anchor, so missing a literal only costs
 * speed, never correctness.
 * @example requiredLiteral('\\$PSHome\\[\\s*\\d') // '$PSHome['
 */
export function requiredLiteral(source: string, minLength = 3): string | undefined {
  let best = '';
  for (const run of requiredRuns(source) ?? []) if (run.length > best.length) best = run;
  return best.length >= minLength ? best : undefined;
}

/**
 * Every literal run that each match must contain (see {@link requiredLiteral}), or undefined on
 * top-level alternation. Sources with constructs the scan does not model (`\\Q…\\E` quoting,
 * POSIX classes such as `[[:alpha:]]`) give undefined too.
 * @example requiredRuns('(?i)(set).*&&\\s?set') // ['&&', 'set']
 */
export function requiredRuns(source: string): string[] | undefined {
  if (source.includes('\\Q') || source.includes('[:')) return undefined;
  const runs: string[] = [];
  let run = '';
  const end = (): void => {
    if (run !== '') runs.push(run);
    run = '';
  };
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (depth > 0) {
      // Inside a group: only track nesting; a group's content is never required as a whole.
      if (c === '\\') i++;
      else if (c === '[') i = skipClass(source, i);
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    if (c === '|') return undefined;
    if (c === '(') {
      end();
      depth = 1;
    } else if (c === '[') {
      end();
      i = skipClass(source, i);
    } else if (c === '{') {
      end();
      const close = source.indexOf('}', i);
      i = close < 0 ? source.length : close;
    } else if ('?*+.^$)}'.includes(c)) {
      end();
    } else {
      let lit = c;
      if (c === '\\') {
        const n = source[++i];
        if (n === undefined || /[A-Za-z0-9]/.test(n)) {
          end();
          continue;
        }
        lit = n;
      }
      const q = source[i + 1];
      if (q === '?' || q === '*' || q === '{') end();
      else if (q === '+') {
        run += lit;
        end();
      } else run += lit;
    }
  }
  end();
  return runs;
}

/** Index of the `]` closing the class opened at `i` (its first `]` or `^]` taken literally), or `s.length`. */
export function skipClass(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '^') j++;
  if (s[j] === ']') j++;
  for (; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === ']') return j;
  }
  return s.length;
}
