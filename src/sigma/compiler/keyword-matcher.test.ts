import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { normalizeEvent } from '../logsource/normalize-event.js';
import { normalizeDashes } from '../modifiers/value-test.js';
import { KeywordMatcher, type KeywordAnchor } from './keyword-matcher.js';

/** The keyword literals SigmaHQ puts on Windows events (win_alert_mimikatz_keywords and others). */
const mimikatz = [
  'dpapi::masterkey', 'eo.oe.kiwi', 'event::clear', 'event::drop', 'gentilkiwi.com', 'kerberos::golden',
  'kerberos::ptc', 'kerberos::ptt', 'kerberos::tgt', 'kiwi legit printer', 'lsadump::', 'mimidrv.sys',
  '\\mimilib.dll', 'misc::printnightmare', 'misc::shadowcopies', 'misc::skeleton', 'privilege::backup',
  'privilege::debug', 'privilege::driver', 'sekurlsa::', 'esx admins', '\\perfc.dat',
];
/** Windash literals: `-` stands for any dash character. */
const dashed = [' -nop -w hidden', 'invoke-mimikatz'];

function anchors(literals: readonly string[], dash: readonly string[] = [], numeric: readonly string[] = []): KeywordAnchor[] {
  return [
    ...literals.map((literal, i) => ({ literal, dash: false, rules: [i] })),
    ...dash.map((literal, i) => ({ literal, dash: true, rules: [100 + i] })),
    ...numeric.map((literal, i) => ({ literal, dash: false, rules: [200 + i] })),
  ];
}

/**
 * What the rule evaluation reads (evaluate-field-test's keyword path): every scalar down to depth
 * 8, as `toLowerCase()` text, dashes normalised for windash literals.
 */
function naive(as: readonly KeywordAnchor[], fields: Record<string, unknown>): boolean {
  const texts: string[] = [];
  const collect = (v: unknown, depth: number): void => {
    if (depth > 8) return;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') texts.push(String(v).toLowerCase());
    else if (Array.isArray(v)) for (const x of v) collect(x, depth + 1);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x, depth + 1);
  };
  collect(fields, 0);
  return as.some((a) => texts.some((t) => (a.dash ? normalizeDashes(t) : t).includes(a.literal)));
}

/** Deterministic PRNG (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `lit` as an attacker or a log might spell it: any case, any dash, the two non-ASCII folds. */
function disguise(lit: string, dash: boolean, rnd: () => number): string {
  let out = '';
  for (let i = 0; i < lit.length; i++) {
    const c = lit[i]!;
    const r = rnd();
    if (dash && c === '-') out += ['-', '/', '\u2013', '\u2014', '\u2015'][Math.floor(rnd() * 5)];
    else if (c === 'k' && r < 0.2) out += '\u212a';
    // U+0130 folds to `i` + U+0307: an `i` only where nothing follows in the literal.
    else if (c === 'i' && i === lit.length - 1 && r < 0.3) out += '\u0130';
    else out += r < 0.5 ? c.toUpperCase() : c;
  }
  return out;
}

const around = ['', 'C:\\Windows\\', 'Пароль: ', '日本語 ', 'x', '\r\n', 'ß€ ', '::'];

const root = fileURLToPath(new URL('../../../../shared/testdata/security-datasets/datasets/atomic/windows/', import.meta.url));
// Sysmon, Security and PowerShell events of a mimikatz run; the second file logs real literals.
const files = ['credential_access/host/empire_mimikatz_logonpasswords.ndjson.gz', 'lateral_movement/host/mimikatz_CVE-2020-1472_Unauthenticated_NetrServerAuthenticate2.ndjson.gz'].map((f) => root + f);
const present = files.every((f) => existsSync(f));
if (!present) console.log(`skipping KeywordMatcher real-data tests: ${root} is absent`);

/** Normalized events of the real datasets, the first `limit` of each file, in file order. */
function realEvents(limit: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const f of files) {
    let n = 0;
    for (const line of gunzipSync(readFileSync(f)).toString('utf8').split('\n')) {
      if (line.trim() === '' || n++ >= limit) continue;
      out.push(normalizeEvent(JSON.parse(line) as Record<string, unknown>).fields);
    }
  }
  return out;
}

describe('KeywordMatcher', () => {
  const as = anchors(mimikatz, dashed, ['4625']);
  const m = KeywordMatcher.build(as)!;

  it('finds a literal in any case, in any scalar, nested or not', () => {
    expect(m.mayMatch({ CommandLine: 'mimikatz.exe "SEKURLSA::LogonPasswords" exit' })).toBe(true);
    expect(m.mayMatch({ a: 1, b: { c: ['x', { d: 'C:\\Temp\\MimiLib.DLL' }] } })).toBe(true);
    expect(m.mayMatch({ EventID: 4625 })).toBe(true);
    expect(m.mayMatch({ Image: 'C:\\Windows\\System32\\lsass.exe', EventID: 10 })).toBe(false);
    expect(m.mayMatch({})).toBe(false);
  });

  it('folds like toLowerCase: the Kelvin sign is a k, a dotted capital I an i', () => {
    expect(m.mayMatch({ x: 'www.gentil\u212aiwi.com' })).toBe(true);
    expect(m.mayMatch({ x: 'eo.oe.kiw\u0130' })).toBe(true);
  });

  it('takes any windash dash for a dash', () => {
    expect(m.mayMatch({ x: 'powershell \u2013nop \u2014w hidden' })).toBe(true);
    expect(m.mayMatch({ x: 'Invoke/Mimikatz' })).toBe(true);
  });

  it('reads numbers and booleans as their text only when a literal could be one', () => {
    const t = KeywordMatcher.build(anchors(['true']))!;
    expect(t.mayMatch({ ok: true })).toBe(true);
    expect(m.mayMatch({ n: 1234, ok: true })).toBe(false);
  });

  it('stops at the depth the evaluation reads', () => {
    let deep: unknown = 'sekurlsa::';
    for (let i = 0; i < 7; i++) deep = { v: deep };
    expect(m.mayMatch({ v: deep })).toBe(true);
    expect(naive(as, { v: { v: deep } })).toBe(false);
  });

  it('misses no literal a value repeated from the previous event holds', () => {
    expect(m.mayMatch({ a: 'clean value here', b: 'another clean one' })).toBe(false);
    expect(m.mayMatch({ a: 'clean value here', b: 'lsadump::sam' })).toBe(true);
    expect(m.mayMatch({ b: 'clean value here', a: 'kiwi legit printer' })).toBe(true);
  });

  it('finds literals anywhere in long texts searched by windows, among decoy needles', () => {
    const rnd = random(7);
    const filler = ['[Convert]::FromBase64String($x)', ' mimi', 'KIWI ', 'a'.repeat(300), '\u212a', ' privilege:', ':debug ', 'x::y', '\r\n', 'Пароль '];
    let yes = 0;
    let no = 0;
    for (let round = 0; round < 400; round++) {
      let text = '';
      while (text.length < 1024 + Math.floor(rnd() * 4000)) text += filler[Math.floor(rnd() * filler.length)]!;
      if (rnd() < 0.5) {
        const a = as[Math.floor(rnd() * as.length)]!;
        if (a.literal === '4625') continue;
        const at = [0, text.length, Math.floor(rnd() * text.length)][Math.floor(rnd() * 3)]!;
        text = text.slice(0, at) + disguise(a.literal, a.dash, rnd) + text.slice(at);
      }
      const fields = { ScriptBlockText: text, Path: 'C:\\x.ps1' };
      const want = naive(as, fields);
      if (want) yes++;
      else no++;
      // Windows only drop hits spanning two values, never one inside a value.
      expect(m.mayMatch(fields), text).toBe(want);
    }
    expect(yes).toBeGreaterThan(100);
    expect(no).toBeGreaterThan(100);
  });

  it.skipIf(!present)('never says no where the evaluation finds a literal, over real events with literals planted', () => {
    const events = realEvents(2000);
    const rnd = random(42);
    const literals = as.map((a) => a);
    let planted = 0;
    // One matcher over the whole sequence, as in a run: its per-position cache sees real repeats.
    const seq = KeywordMatcher.build(as)!;
    for (const original of events) {
      const fields: Record<string, unknown> = { ...original };
      if (rnd() < 0.3) {
        const a = literals[Math.floor(rnd() * literals.length)]!;
        const text = around[Math.floor(rnd() * around.length)]! + disguise(a.literal, a.dash, rnd) + around[Math.floor(rnd() * around.length)]!;
        const keys = Object.keys(fields);
        const key = keys[Math.floor(rnd() * keys.length)]!;
        const old = fields[key];
        const r = rnd();
        if (a.literal === '4625') fields[key] = r < 0.5 ? 4625 : [1, { n: 14625 }];
        else if (r < 0.4 && typeof old === 'string') fields[key] = old.slice(0, Math.floor(rnd() * old.length)) + text + old.slice(Math.floor(rnd() * old.length));
        else if (r < 0.6) fields[key] = [old, { nested: text }];
        else fields[key] = text;
        planted++;
      }
      const want = naive(as, fields);
      if (want) expect(seq.mayMatch(fields), JSON.stringify(fields).slice(0, 400)).toBe(true);
      else seq.mayMatch(fields);
    }
    expect(planted).toBeGreaterThan(500);
  });

  it.skipIf(!present)('agrees with the evaluation on the unaltered real events', () => {
    const seq = KeywordMatcher.build(as)!;
    let hits = 0;
    for (const fields of realEvents(5000)) {
      const want = naive(as, fields);
      if (want) hits++;
      // A "may" without a literal is allowed (a spanning hit, a needle alone), a "no" with one is not.
      if (want) expect(seq.mayMatch(fields)).toBe(true);
      else seq.mayMatch(fields);
    }
    expect(hits).toBeGreaterThanOrEqual(5);
  });
});
