import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../../../test/files-under.js';
import { loadRuleTexts } from '../load-rules.js';
import { hasClassRun, requiredClassRun } from './regex-class-run.js';
import { RegexPrefilter } from './regex-prefilter.js';

const run = (source: string, flags = 0) => requiredClassRun(source, (flags & RE2JS.CASE_INSENSITIVE) !== 0, (flags & RE2JS.DOTALL) !== 0);

describe('requiredClassRun', () => {
  it('finds the longest repeated class of the top-level concatenation', () => {
    const snake = run('\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}')!;
    expect(snake.min).toBe(64);
    expect(snake.whole).toBe(false);
    const hex = 'ab12'.repeat(16);
    expect(hasClassRun(`jpsetup.exe ${hex} 0123456789abcdef`, snake)).toBe(true);
    expect(hasClassRun(`jpsetup.exe ${hex.slice(1)}`, snake)).toBe(false);
    // Not `g`: outside the class.
    expect(hasClassRun(`${hex.slice(0, 32)}g${hex.slice(32)}`, snake)).toBe(false);
    expect(run('[^/]{100,}$')?.min).toBe(100);
    expect(run('\\d{12}x')?.min).toBe(12);
  });

  it('gives nothing for short repeats, alternation, groups and unmodelled classes', () => {
    expect(run('\\\\[a-zA-Z0-9]{1,32}\\.[a-zA-Z0-9]{1,6}\\.')).toBeUndefined();
    expect(run('[a-f]{64}|x')).toBeUndefined();
    expect(run('(ab[0-9]{20})')).toBeUndefined();
    expect(run('[[:xdigit:]]{32}')).toBeUndefined();
    expect(run('[\\x41-\\x46]{32}')).toBeUndefined();
    expect(run('\\p{L}{32}')).toBeUndefined();
    // Quoted: literal text, not a class (RE2 reads `\Q…\E` as plain characters).
    expect(run('\\Q[a-f]{64}\\E')).toBeUndefined();
    expect(RE2JS.compile('\\Q[a-f]{64}\\E').test('[a-f]{64}')).toBe(true);
  });

  it('folds letters when the regex is case-insensitive, or may be', () => {
    expect(hasClassRun('ABCDEFAB', run('[a-f]{8}')!)).toBe(false);
    expect(hasClassRun('ABCDEFAB', run('[a-f]{8}', RE2JS.CASE_INSENSITIVE)!)).toBe(true);
    expect(hasClassRun('ABCDEFAB', run('x(?i)[a-f]{8}')!)).toBe(true);
    // Negated and folded: neither case of the letter.
    expect(hasClassRun('xxxxxxxAxxxxxxx', run('(?i)[^a]{8}')!)).toBe(false);
  });

  it('decides a regex that is one repeated dot, counting code points and line feeds as RE2 does', () => {
    const cases: [string, number][] = [
      ['.{1000,}', 0],
      ['(.){200,}', 0],
      ['(?:.){20}', 0],
      ['.{150}', 0],
      ['(?s).{20,}', 0],
      ['.{20,30}', RE2JS.DOTALL],
      ['(?i).{20}', 0],
    ];
    const texts = [
      'a'.repeat(19),
      'a'.repeat(20),
      'a'.repeat(10) + '\n' + 'a'.repeat(10),
      'a'.repeat(150),
      'x'.repeat(999),
      'x'.repeat(1000),
      '😀'.repeat(15),
      '😀'.repeat(20),
      '😀'.repeat(600),
      '\ud800'.repeat(25),
      'é'.repeat(200),
      'ab\r\ncd'.repeat(100),
    ];
    for (const [source, flags] of cases) {
      const r = run(source, flags)!;
      expect(r.whole, source).toBe(true);
      const re = RE2JS.compile(source, flags);
      for (const t of texts) expect(hasClassRun(t, r), `${source} on ${JSON.stringify(t.slice(0, 12))}… (${t.length})`).toBe(re.test(t));
    }
    expect(run('.{0,}')).toBeUndefined();
    expect(run('^.{20}')?.whole ?? false).toBe(false);
    expect(run('.{20}x')?.whole).toBe(false);
  });
});

const rulesRoot = fileURLToPath(new URL('../../../../shared/content/sigma/', import.meta.url));
const present = existsSync(rulesRoot);
if (!present) console.log(`skipping the SigmaHQ regex class-run check: ${rulesRoot} is absent`);

describe.skipIf(!present)('class runs of the SigmaHQ regexes', () => {
  it('never rule out a text the regex matches (random texts near the class, 2,000 per regex)', () => {
    const loaded = loadRuleTexts(filesUnder(rulesRoot, /\.ya?ml$/).map((p) => ({ path: p, text: readFileSync(p, 'utf8') })));
    const regexes = new Map<string, number>();
    for (const r of loaded.rules) {
      for (const s of r.detection.searches.values()) {
        for (const branch of s.branches) for (const t of branch) for (const v of t.tests) if (v.kind === 're') regexes.set(v.source, v.re.flags());
      }
    }
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    let withRun = 0;
    let matched = 0;
    for (const [source, flags] of regexes) {
      const r = run(source, flags);
      if (r === undefined) continue;
      withRun++;
      const re = RE2JS.compile(source, flags);
      const pre = RegexPrefilter.build(source, flags);
      // Characters of the class (both cases), a few others, line feeds, non-ASCII and astral ones.
      const pool: string[] = [];
      for (let c = 32; c < 127; c++) if (r.member[c] === 1) pool.push(String.fromCharCode(c));
      pool.push(' ', '\n', '\t', '/', '\\', 'é', 'K', '😀', ...'{}()"\'=-');
      for (let k = 0; k < 2000; k++) {
        const len = r.min - 2 + rnd(2 * r.min);
        let t = '';
        while (t.length < len) t += pool[rnd(pool.length)];
        if (k % 4 === 0) t = ' ' + t + ' ';
        const m = re.test(t);
        if (m) {
          matched++;
          expect(hasClassRun(t, r), `${source} on ${JSON.stringify(t)}`).toBe(true);
          expect(pre.mayMatch(t, t.toLowerCase()), `${source} on ${JSON.stringify(t)}`).toBe(true);
        } else if (r.whole) expect(hasClassRun(t, r), `${source} on ${JSON.stringify(t)}`).toBe(false);
      }
    }
    console.log(`SigmaHQ regexes: ${regexes.size}, with a class run ${withRun}, random texts they matched ${matched}`);
    expect(withRun).toBeGreaterThan(5);
    expect(matched).toBeGreaterThan(100);
  }, 120_000);
});
