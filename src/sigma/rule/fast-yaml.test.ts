import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseAllDocuments } from 'yaml';
import { parseYamlFast } from './fast-yaml.js';
import { fromYamlPackage, type YNode } from './yaml-node.js';

/** The reference: the `yaml` package, converted to the same node shape. */
function reference(text: string): (YNode | null)[] {
  const lc = new LineCounter();
  return parseAllDocuments(text, { lineCounter: lc }).map((d) => {
    if (d.errors.length > 0) throw new Error(d.errors[0]!.message);
    return d.contents === null ? null : fromYamlPackage(d.contents, lc);
  });
}

/** Null scalars have no text, so their position is not meaningful: compare values only. */
function normalize(n: YNode | null): unknown {
  if (n === null) return { null: true };
  if (n.kind === 'scalar') return n.value === null ? { null: true } : n;
  if (n.kind === 'seq') return { ...n, items: n.items.map(normalize) };
  return { ...n, entries: n.entries.map((e) => ({ ...e, value: normalize(e.value) })) };
}

const agree = (text: string): void => {
  const fast = parseYamlFast(text);
  expect(fast).toBeDefined();
  expect(fast!.map(normalize)).toEqual(reference(text).map(normalize));
};

describe('parseYamlFast', () => {
  it('reads maps, sequences, compact sequences, scalars and comments like the yaml package', () => {
    agree(`# comment
title: A title # trailing
id: 5
tags:
- attack.t1
- 'quoted # not a comment'
nested:
    list:
        - a: 1
          b: "x\\ty"
        - plain value
        -
    empty:
    flow: [a, 'b c', 3]
numbers: [0x1F, 0o17, 1.5, -2, .inf, true, Null, ~]
description: first line
    second line

    after blank
`);
  });

  it('reads quoted scalars with doubled quotes and escapes like the yaml package', () => {
    agree(String.raw`a: 'it''s'
b: "tab\tx \x41 \u00e9 \"q\" \\ end"
c: ''
d: ""
e: 'a''''b'
f: 'C:\Windows\*' # comment
g: "\U0001F600 \\*"
h: ['x''y', "z\"w"]
'key''s': "\0\a\e\N"
`);
  });

  it('reads literal block scalars with every chomping mode', () => {
    agree('a: |\n    line1\n      indented\n\n    line3\n\nb: |-\n    x\n\nc: |+\n    y\n\nd: |2\n    z\n');
  });

  it('splits documents on --- and handles empty ones', () => {
    agree('a: 1\n---\nb: 2\n---\n# only a comment\n---\nc: [ ]\n');
  });

  it('declines what it does not support, so the full parser takes over', () => {
    for (const t of ['a: &x 1\nb: *x\n', 'a: {b: 1}\n', 'a: >\n  folded\n', 'a: "multi\n  line"\n', 'a: 1\na: 2\n', 'a:\n\tb: 1\n', 'a: !tag x\n', 'a: b: c\n', '  a: 1\n b: 2\n']) {
      expect(parseYamlFast(t), t).toBeUndefined();
    }
  });

  const root = fileURLToPath(new URL('../../../../shared/content/sigma/', import.meta.url));
  it.skipIf(!existsSync(root))('agrees with the yaml package on every SigmaHQ rule file (values and positions)', () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(n)) files.push(p);
      }
    };
    walk(root);
    let declined = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const fast = parseYamlFast(text);
      if (!fast) {
        declined++;
        continue;
      }
      expect(fast.map(normalize), f).toEqual(reference(text).map(normalize));
    }
    console.log(`fast YAML reader: ${files.length - declined}/${files.length} SigmaHQ files read, ${declined} left to the yaml package`);
    expect(declined).toBeLessThan(files.length / 100);
  }, 120_000);
});
