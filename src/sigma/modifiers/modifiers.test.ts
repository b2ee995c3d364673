import { describe, expect, it } from 'vitest';
import { compileRuleSet } from '../compiler/compile-rule-set.js';
import { parseSigmaDocuments } from '../rule/parse-sigma-documents.js';
import { base64Offsets, utf16, base64, windashVariants } from './encodings.js';

const logsource = { product: 'test' };

/** Compiles one rule whose detection is `detection` (YAML, indented by 4) and matches `fields`. */
function matcher(detection: string, placeholders?: Record<string, string[]>): (fields: Record<string, unknown>) => boolean {
  const text = `title: t\nid: r1\nlogsource:\n    product: test\ndetection:\n${detection}`;
  const parsed = parseSigmaDocuments(text, 'r.yml');
  expect(parsed.errors).toEqual([]);
  const { ruleSet } = compileRuleSet({ rules: parsed.rules, ...(placeholders ? { placeholders } : {}) });
  return (fields) => ruleSet.match({ fields, logsource }).length === 1;
}

function loadError(detection: string): string {
  const parsed = parseSigmaDocuments(`title: t\nid: r1\nlogsource:\n    product: test\ndetection:\n${detection}`, 'r.yml');
  expect(parsed.rules).toHaveLength(0);
  return parsed.errors[0]!.message;
}

describe('string matching', () => {
  it('is case-insensitive by default, exact without wildcards', () => {
    const m = matcher('    sel:\n        Image: C:\\Windows\\cmd.exe\n    condition: sel');
    expect(m({ Image: 'c:\\windows\\CMD.EXE' })).toBe(true);
    expect(m({ Image: 'c:\\windows\\cmd.exe2' })).toBe(false);
    expect(m({})).toBe(false);
  });

  it('contains, startswith, endswith and cased', () => {
    expect(matcher('    sel:\n        F|contains: Bar\n    condition: sel')({ F: 'fooBARbaz' })).toBe(true);
    expect(matcher('    sel:\n        F|startswith: foo\n    condition: sel')({ F: 'FOObar' })).toBe(true);
    expect(matcher('    sel:\n        F|startswith: foo\n    condition: sel')({ F: 'xfoo' })).toBe(false);
    expect(matcher('    sel:\n        F|endswith: .EXE\n    condition: sel')({ F: 'a.exe' })).toBe(true);
    const cased = matcher('    sel:\n        F|contains|cased: Bar\n    condition: sel');
    expect(cased({ F: 'xBarx' })).toBe(true);
    expect(cased({ F: 'xbarx' })).toBe(false);
  });

  it('ORs list values and ANDs them with |all', () => {
    const any = matcher('    sel:\n        F|contains:\n            - aa\n            - bb\n    condition: sel');
    expect(any({ F: 'xbb' })).toBe(true);
    const all = matcher('    sel:\n        F|contains|all:\n            - aa\n            - bb\n    condition: sel');
    expect(all({ F: 'xbb' })).toBe(false);
    expect(all({ F: 'bb aa' })).toBe(true);
  });

  it('handles wildcards and their escapes per the spec', () => {
    const star = matcher("    sel:\n        F: 'a*c?e'\n    condition: sel");
    expect(star({ F: 'abbbcde' })).toBe(true);
    expect(star({ F: 'ace' })).toBe(false);
    const literalStar = matcher("    sel:\n        F: 'a\\*b'\n    condition: sel");
    expect(literalStar({ F: 'a*b' })).toBe(true);
    expect(literalStar({ F: 'axb' })).toBe(false);
    const slashThenWildcard = matcher("    sel:\n        F: 'a\\\\*'\n    condition: sel");
    expect(slashThenWildcard({ F: 'a\\anything' })).toBe(true);
    expect(slashThenWildcard({ F: 'a*' })).toBe(false);
    const plainSlash = matcher("    sel:\n        F: 'C:\\Windows\\'\n    condition: sel");
    expect(plainSlash({ F: 'c:\\windows\\' })).toBe(true);
    const doubled = matcher("    sel:\n        F: 'a\\\\\\\\b'\n    condition: sel");
    expect(doubled({ F: 'a\\\\b' })).toBe(true);
    const question = matcher("    sel:\n        F: 'a\\?'\n    condition: sel");
    expect(question({ F: 'a?' })).toBe(true);
    expect(question({ F: 'ab' })).toBe(false);
  });

  it('compares numbers and booleans through their text', () => {
    const m = matcher('    sel:\n        EventID: 4688\n        Flag: true\n    condition: sel');
    expect(m({ EventID: 4688, Flag: true })).toBe(true);
    expect(m({ EventID: '4688', Flag: 'true' })).toBe(true);
    expect(m({ EventID: 4689, Flag: true })).toBe(false);
  });

  it('resolves dotted field names through nested objects and matches any element of a list', () => {
    const m = matcher('    sel:\n        process.name: cmd.exe\n    condition: sel');
    expect(m({ process: { name: 'CMD.exe' } })).toBe(true);
    expect(m({ 'process.name': 'cmd.exe' })).toBe(true);
    const list = matcher('    sel:\n        tags|endswith: .bad\n    condition: sel');
    expect(list({ tags: ['ok', 'x.bad'] })).toBe(true);
    expect(list({ tags: ['ok'] })).toBe(false);
  });
});

describe('null, empty and exists', () => {
  it('null matches an absent or null field, never an empty string', () => {
    const m = matcher('    sel:\n        F: null\n    condition: sel');
    expect(m({})).toBe(true);
    expect(m({ F: null })).toBe(true);
    expect(m({ F: '' })).toBe(false);
    const empty = matcher("    sel:\n        F: ''\n    condition: sel");
    expect(empty({ F: '' })).toBe(true);
    expect(empty({})).toBe(false);
  });

  it('exists checks presence only', () => {
    const yes = matcher('    sel:\n        F|exists: true\n    condition: sel');
    const no = matcher('    sel:\n        F|exists: false\n    condition: sel');
    expect(yes({ F: '' })).toBe(true);
    expect(yes({})).toBe(false);
    expect(no({})).toBe(true);
    expect(no({ F: 1 })).toBe(false);
    expect(loadError('    sel:\n        F|exists: maybe\n    condition: sel')).toMatch(/exists/);
  });
});

describe('regular expressions', () => {
  it('are case-sensitive unless |i, with m and s flags', () => {
    const m = matcher("    sel:\n        F|re: 'ab+c'\n    condition: sel");
    expect(m({ F: 'xabbbcx' })).toBe(true);
    expect(m({ F: 'ABC' })).toBe(false);
    expect(matcher("    sel:\n        F|re|i: 'ab+c'\n    condition: sel")({ F: 'ABC' })).toBe(true);
    expect(matcher("    sel:\n        F|re: '^b$'\n    condition: sel")({ F: 'a\nb' })).toBe(false);
    expect(matcher("    sel:\n        F|re|m: '^b$'\n    condition: sel")({ F: 'a\nb' })).toBe(true);
    expect(matcher("    sel:\n        F|re: 'a.b'\n    condition: sel")({ F: 'a\nb' })).toBe(false);
    expect(matcher("    sel:\n        F|re|s: 'a.b'\n    condition: sel")({ F: 'a\nb' })).toBe(true);
  });

  it('runs in linear time on a pattern that hangs backtracking engines', () => {
    const m = matcher("    sel:\n        F|re: '(a+)+$'\n    condition: sel");
    const start = performance.now();
    expect(m({ F: 'a'.repeat(5000) + '!' })).toBe(false);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('rejects what RE2 cannot run (backreferences) with a load error', () => {
    expect(loadError("    sel:\n        F|re: '(a)\\1'\n    condition: sel")).toMatch(/regular expression/);
  });
});

describe('encodings', () => {
  it('base64 and base64offset (pySigma vectors)', () => {
    expect(base64('cmd')).toBe('Y21k');
    expect(base64Offsets('foobar')).toEqual(['Zm9vYmFy', 'Zvb2Jhc', 'mb29iYX']);
    const m = matcher('    sel:\n        F|base64offset|contains: foobar\n    condition: sel');
    for (const prefix of ['', 'x', 'xy']) {
      expect(m({ F: Buffer.from(prefix + 'foobar' + 'tail').toString('base64') })).toBe(true);
    }
    expect(m({ F: Buffer.from('fooba').toString('base64') })).toBe(false);
    expect(matcher('    sel:\n        F|base64: cmd\n    condition: sel')({ F: 'Y21k' })).toBe(true);
  });

  it('utf16le/wide, utf16be and utf16 (BOM) feed base64', () => {
    expect(Buffer.from(utf16('cmd', 'le')).toString('hex')).toBe('63006d006400');
    expect(Buffer.from(utf16('cmd', 'be')).toString('hex')).toBe('0063006d0064');
    expect(Buffer.from(utf16('cmd', 'bom')).toString('hex')).toBe('fffe63006d006400');
    const wide = matcher('    sel:\n        F|wide|base64offset|contains: ping\n    condition: sel');
    const encoded = Buffer.from('powershell ping host', 'utf16le').toString('base64');
    expect(wide({ F: encoded })).toBe(true);
    expect(matcher('    sel:\n        F|utf16be|base64: cmd\n    condition: sel')({ F: 'AGMAbQBk' })).toBe(true);
    expect(matcher('    sel:\n        F|utf16|base64: cmd\n    condition: sel')({ F: '//5jAG0AZAA=' })).toBe(true);
  });

  it('windash permutes - / and the three long dashes', () => {
    expect(windashVariants('-a /b')).toHaveLength(25);
    const m = matcher('    sel:\n        F|windash|contains: -enc\n    condition: sel');
    for (const d of ['-', '/', '\u2013', '\u2014', '\u2015']) expect(m({ F: `ps ${d}enc x` })).toBe(true);
    expect(m({ F: 'ps +enc' })).toBe(false);
    // Both sides normalised: a `/` in the rule also matches `-` (and the long dashes) in the event.
    const slash = matcher('    sel:\n        F|windash|contains|all:\n            - /c\n            - \u2014x\n    condition: sel');
    expect(slash({ F: 'cmd -C \u2015X' })).toBe(true);
    expect(slash({ F: 'cmd -C' })).toBe(false);
    const exact = matcher("    sel:\n        F|windash: 'a-b*'\n    condition: sel");
    expect(exact({ F: 'A/Bc' })).toBe(true);
    expect(exact({ F: 'xa/b' })).toBe(false);
    const kwDash = matcher("    kw:\n        '|windash|contains': ' -nop '\n    condition: kw");
    expect(kwDash({ A: 'powershell /nop -w' })).toBe(true);
    expect(kwDash({ A: 'powershell nop -w' })).toBe(false);
    expect(matcher('    sel:\n        F|windash|base64: -a\n    condition: sel')({ F: Buffer.from('/a').toString('base64') })).toBe(true);
  });
});

describe('cidr', () => {
  it('matches IPv4 and IPv6 ranges by prefix', () => {
    const m = matcher("    sel:\n        Ip|cidr:\n            - 10.0.0.0/8\n            - '2001:db8::/32'\n            - 192.168.1.128/25\n    condition: sel");
    expect(m({ Ip: '10.200.3.4' })).toBe(true);
    expect(m({ Ip: '11.0.0.1' })).toBe(false);
    expect(m({ Ip: '192.168.1.200' })).toBe(true);
    expect(m({ Ip: '192.168.1.100' })).toBe(false);
    expect(m({ Ip: '2001:db8:1::5' })).toBe(true);
    expect(m({ Ip: '2001:db9::1' })).toBe(false);
    expect(m({ Ip: '::ffff:10.0.0.1' })).toBe(true);
    expect(m({ Ip: 'not-an-ip' })).toBe(false);
    expect(matcher('    sel:\n        Ip|cidr: 0.0.0.0/0\n    condition: sel')({ Ip: '8.8.8.8' })).toBe(true);
    expect(loadError('    sel:\n        Ip|cidr: 10.0.0.0/33\n    condition: sel')).toMatch(/CIDR/);
  });
});

describe('numeric, neq, fieldref and time modifiers', () => {
  it('lt/lte/gt/gte compare as numbers', () => {
    expect(matcher('    sel:\n        N|gt: 10\n    condition: sel')({ N: '11' })).toBe(true);
    expect(matcher('    sel:\n        N|gt: 10\n    condition: sel')({ N: 10 })).toBe(false);
    expect(matcher('    sel:\n        N|gte: 10\n    condition: sel')({ N: 10 })).toBe(true);
    expect(matcher('    sel:\n        N|lt: 10\n    condition: sel')({ N: 9.5 })).toBe(true);
    expect(matcher('    sel:\n        N|lte: 10\n    condition: sel')({ N: 'x' })).toBe(false);
    expect(loadError('    sel:\n        N|lt: abc\n    condition: sel')).toMatch(/number/);
  });

  it('neq: the field exists and differs from every value', () => {
    const m = matcher('    sel:\n        F|neq:\n            - a\n            - b\n    condition: sel');
    expect(m({ F: 'c' })).toBe(true);
    expect(m({ F: 'A' })).toBe(false);
    expect(m({})).toBe(false);
  });

  it('fieldref compares two fields of the event, alone or with neq', () => {
    const eq = matcher('    sel:\n        TargetUser|fieldref: SubjectUser\n    condition: sel');
    expect(eq({ TargetUser: 'Bob', SubjectUser: 'bob' })).toBe(true);
    expect(eq({ TargetUser: 'Bob', SubjectUser: 'alice' })).toBe(false);
    expect(eq({ TargetUser: 'Bob' })).toBe(false);
    const ne = matcher('    sel:\n        TargetUser|fieldref|neq: SubjectUser\n    condition: sel');
    expect(ne({ TargetUser: 'Bob', SubjectUser: 'alice' })).toBe(true);
  });

  it('time parts extract UTC minute/hour/day/week/month/year', () => {
    const t = '2024-03-07T22:15:00Z'; // a Thursday in ISO week 10
    expect(matcher('    sel:\n        T|hour: 22\n    condition: sel')({ T: t })).toBe(true);
    expect(matcher('    sel:\n        T|minute: 15\n    condition: sel')({ T: t })).toBe(true);
    expect(matcher('    sel:\n        T|day: 7\n    condition: sel')({ T: t })).toBe(true);
    expect(matcher('    sel:\n        T|week: 10\n    condition: sel')({ T: t })).toBe(true);
    expect(matcher('    sel:\n        T|month: 3\n    condition: sel')({ T: t })).toBe(true);
    expect(matcher('    sel:\n        T|year: 2024\n    condition: sel')({ T: '2024-03-07 22:15:00.000' })).toBe(true);
    expect(matcher('    sel:\n        T|hour|gte: 23\n    condition: sel')({ T: t })).toBe(false);
    expect(matcher('    sel:\n        T|hour: 22\n    condition: sel')({ T: 'garbage' })).toBe(false);
  });
});

describe('expand (placeholders)', () => {
  const detection = "    sel:\n        User|expand: '%admins%'\n    condition: sel";
  it('expands to the configured values', () => {
    const m = matcher(detection, { admins: ['root', 'adm_*'] });
    expect(m({ User: 'adm_bob' })).toBe(true);
    expect(m({ User: 'bob' })).toBe(false);
  });
  it('becomes a wildcard when the placeholder has no value (pySigma wildcard_placeholders)', () => {
    expect(matcher(detection)({ User: 'anyone' })).toBe(true);
  });
  it('keeps an escaped percent sign literal', () => {
    const m = matcher("    sel:\n        F|expand: '\\%x%y%'\n    condition: sel", { y: ['1'] });
    expect(m({ F: '%x1' })).toBe(true);
  });
});

describe('keywords and unknown modifiers', () => {
  it('keyword lists search every value of the event', () => {
    const m = matcher("    keywords:\n        - mimikatz\n        - 'sekurlsa::'\n    condition: keywords");
    expect(m({ A: 1, Msg: 'run SEKURLSA::logonpasswords' })).toBe(true);
    expect(m({ nested: { x: ['a', 'Mimikatz.exe'] } })).toBe(true);
    expect(m({ A: 'clean' })).toBe(false);
  });

  it('an unknown modifier is a load error at the field position', () => {
    const parsed = parseSigmaDocuments('title: t\nlogsource:\n    product: x\ndetection:\n    sel:\n        F|bogus: a\n    condition: sel\n', 'r.yml');
    expect(parsed.errors).toEqual([{ path: 'r.yml', line: 6, column: 9, message: expect.stringMatching(/unknown modifier "bogus"/) }]);
  });
});
