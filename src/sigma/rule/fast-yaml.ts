import { detachString } from './detach-string.js';
import type { YEntry, YMap, YNode, YScalar, YSeq } from './yaml-node.js';

/** Thrown inside the fast reader when the text leaves its YAML subset; never escapes it. */
class Unsupported extends Error {}

interface Line {
  /** 1-based line number. */
  n: number;
  indent: number;
  /** The whole line without its line break. */
  raw: string;
  /** The line from its indentation on. */
  text: string;
}

/**
 * Reads the block-style YAML subset that Sigma rules are written in (maps, sequences, plain and
 * quoted one-line scalars, multi-line plain scalars, `|` literal blocks, one-line flow sequences,
 * comments, `---` documents) about ten times faster than a general YAML parser, which is what
 * makes loading thousands of rules fast. Returns one node (or null for an empty document) per
 * document, or undefined when the text uses anything else (anchors, tags, flow maps, folded
 * blocks, multi-line quoted scalars, tabs, directives, odd indentation, duplicate keys, syntax
 * errors): the caller then uses the full `yaml` parser, which also produces the precise errors.
 * Scalars resolve with the YAML 1.2 core schema, as the `yaml` package does by default.
 */
export function parseYamlFast(text: string): (YNode | null)[] | undefined {
  try {
    return new FastYaml(text).documents();
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

const fail = (): never => {
  throw new Unsupported();
};

class FastYaml {
  private readonly lines: Line[];

  constructor(text: string) {
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const raws = text.split('\n');
    this.lines = raws.map((r, i) => {
      const raw = r.endsWith('\r') ? r.slice(0, -1) : r;
      let indent = 0;
      while (raw.charCodeAt(indent) === 32) indent++;
      if (raw.charCodeAt(indent) === 9) fail();
      return { n: i + 1, indent, raw, text: raw.slice(indent) };
    });
  }

  documents(): (YNode | null)[] {
    const docs: (YNode | null)[] = [];
    let start = 0;
    let sawMarker = false;
    for (let i = 0; i <= this.lines.length; i++) {
      const l = this.lines[i];
      const marker = l && l.indent === 0 && (l.raw === '---' || l.raw.startsWith('--- ') || l.raw === '...' || l.raw.startsWith('%'));
      if (l && !marker) continue;
      if (l && (l.raw.startsWith('%') || (l.raw.startsWith('--- ') && !l.raw.slice(4).trim().startsWith('#')))) fail();
      const doc = this.document(start, i);
      if (doc !== undefined || sawMarker) docs.push(doc ?? null);
      if (l?.raw === '...') {
        // Only comments or blank lines may follow an end marker before the next `---`.
        let j = i + 1;
        while (j < this.lines.length && this.isBlank(j)) j++;
        if (j < this.lines.length && !this.lines[j]!.raw.startsWith('---')) fail();
      }
      sawMarker = !!l && l.raw.startsWith('---');
      start = i + 1;
    }
    return docs;
  }

  private end = 0;

  /** Undefined when the range holds no content at all. */
  private document(start: number, end: number): YNode | null | undefined {
    this.end = end;
    const i = this.next(start);
    if (i >= end) return undefined;
    const l = this.lines[i]!;
    if (l.indent !== 0) fail();
    const { node, next } = this.block(i);
    if (this.next(next) < end) fail();
    return node;
  }

  private isBlank(i: number): boolean {
    const t = this.lines[i]!.text;
    return t === '' || t.charCodeAt(0) === 35 /* # */ || t.trim() === '';
  }

  /** Index of the next line with content (skipping blanks and comment lines). */
  private next(i: number): number {
    while (i < this.end && this.isBlank(i)) i++;
    return i;
  }

  private block(i: number): { node: YNode; next: number } {
    const t = this.lines[i]!.text;
    if (isSeqItem(t)) return this.seq(i, this.lines[i]!.indent);
    if (keyEnd(t) >= 0 || t[0] === '"' || t[0] === "'") return this.map(i, this.lines[i]!.indent);
    return fail();
  }

  private map(i: number, indent: number): { node: YMap; next: number } {
    const first = this.lines[i]!;
    const node: YMap = { kind: 'map', entries: [], line: first.n, column: indent + 1 };
    const seen = new Set<string>();
    for (;;) {
      i = this.next(i);
      if (i >= this.end) break;
      const l = this.lines[i]!;
      if (l.indent < indent) break;
      if (l.indent > indent || isSeqItem(l.text)) fail();
      const t = l.text;
      let key: string;
      let after: number;
      if (t[0] === '"' || t[0] === "'") {
        const q = quoted(t, 0);
        if (t[q.end] !== ':' || (q.end + 1 < t.length && t[q.end + 1] !== ' ')) fail();
        key = q.value;
        after = q.end + 1;
      } else {
        const k = keyEnd(t);
        if (k < 0) fail();
        key = t.slice(0, k).trimEnd();
        if (key === '' || /^[-?:,[\]{}#&*!|>%@`]/.test(key) || key.includes(' #')) fail();
        after = k + 1;
      }
      if (seen.has(key)) fail();
      seen.add(key);
      const { node: value, next } = this.value(i, indent, t.slice(after), l.indent + after + 1, true);
      node.entries.push({ key: detachString(key), keyLine: l.n, keyColumn: indent + 1, value } satisfies YEntry);
      i = next;
    }
    return { node, next: i };
  }

  private seq(i: number, indent: number): { node: YSeq; next: number } {
    const first = this.lines[i]!;
    const node: YSeq = { kind: 'seq', items: [], line: first.n, column: indent + 1 };
    for (;;) {
      i = this.next(i);
      if (i >= this.end) break;
      const l = this.lines[i]!;
      if (l.indent < indent) break;
      if (l.indent > indent || !isSeqItem(l.text)) {
        if (l.indent === indent) break; // a map key after a compact sequence ends it
        fail();
      }
      const rest = l.text.slice(1);
      const content = rest.trimStart();
      const col = indent + 2 + (rest.length - content.length);
      if (content !== '' && !content.startsWith('#') && (keyEnd(content) >= 0 && !/^["'[]/.test(content))) {
        // `- key: value`: a map whose indentation is the key's column.
        const saved = this.lines[i]!;
        this.lines[i] = { n: saved.n, indent: col - 1, raw: saved.raw, text: content };
        const r = this.map(i, col - 1);
        this.lines[i] = saved;
        node.items.push(r.node);
        i = r.next;
      } else {
        if (isSeqItem(content)) fail();
        const r = this.value(i, indent, rest, indent + 2, false);
        node.items.push(r.node);
        i = r.next;
      }
    }
    return { node, next: i };
  }

  /**
   * The value after `key:` or `-`, starting at 1-based column `col` of line `i`; `parent` is the
   * indentation of the map or sequence that holds it.
   */
  private value(i: number, parent: number, rest: string, col: number, inMap: boolean): { node: YNode; next: number } {
    const l = this.lines[i]!;
    const r = rest.trimStart();
    col += rest.length - r.length;
    if (r === '' || r[0] === '#') {
      if (r === '' && rest !== '' && rest[0] !== ' ') fail();
      const j = this.next(i + 1);
      if (j < this.end) {
        const nl = this.lines[j]!;
        if (nl.indent > parent) return this.block(j);
        if (inMap && nl.indent === parent && isSeqItem(nl.text)) return this.seq(j, parent);
      }
      return { node: scalar(null, false, l.n, col), next: i + 1 };
    }
    if (rest[0] !== ' ' && inMap) fail();
    const c = r[0]!;
    if (c === '"' || c === "'") {
      const q = quoted(r, 0);
      const tail = r.slice(q.end).trim();
      if (tail !== '' && !tail.startsWith('#')) fail();
      if (tail.startsWith('#') && r[q.end] !== ' ') fail();
      return { node: scalar(q.value, true, l.n, col), next: i + 1 };
    }
    if (c === '|') return this.literal(i, parent, r, col);
    if (c === '[') return { node: flowSeq(r, l.n, col), next: i + 1 };
    if ('{>&*!%@`?'.includes(c) || (c === '-' && (r.length === 1 || r[1] === ' ')) || (c === ':' && (r.length === 1 || r[1] === ' '))) fail();
    // Plain scalar, possibly continued on more-indented lines.
    let text = stripComment(r);
    if (keyEnd(text) >= 0) fail();
    let j = i + 1;
    let blanks = 0;
    let next = i + 1;
    while (j < this.end) {
      const nl = this.lines[j]!;
      if (nl.text.trim() === '') {
        blanks++;
        j++;
        continue;
      }
      if (nl.text[0] === '#' || nl.indent <= parent) break;
      const part = stripComment(nl.text);
      if (keyEnd(part) >= 0 || part !== nl.text.trimEnd()) fail();
      text += blanks > 0 ? '\n'.repeat(blanks) + part : ' ' + part;
      blanks = 0;
      next = ++j;
    }
    return { node: scalar(next === i + 1 ? resolvePlain(text) : text, false, l.n, col), next };
  }

  private literal(i: number, parent: number, header: string, col: number): { node: YNode; next: number } {
    const m = /^\|([+-]?)([1-9]?)([+-]?)\s*(#.*)?$/.exec(header);
    if (!m || (m[1] && m[3])) fail();
    const chomp = m![1] || m![3];
    const explicit = m![2] ? parent + Number(m![2]) : 0;
    let j = i + 1;
    let indent = explicit;
    const body: string[] = [];
    while (j < this.end) {
      const nl = this.lines[j]!;
      if (nl.text.trim() === '') {
        body.push(nl.raw.length > (indent || Infinity) ? nl.raw.slice(indent) : '');
        j++;
        continue;
      }
      if (indent === 0) {
        if (nl.indent <= parent) break;
        indent = nl.indent;
      }
      if (nl.indent < indent) break;
      body.push(nl.raw.slice(indent));
      j++;
    }
    // Trailing empty lines belong to the block only for keep chomping.
    let end = body.length;
    while (end > 0 && body[end - 1] === '') end--;
    const content = body.slice(0, end).join('\n');
    const trailing = body.length - end;
    const value =
      chomp === '-' ? content : chomp === '+' ? content + '\n'.repeat(trailing + (end > 0 ? 1 : 0)) : end > 0 ? content + '\n' : '';
    // Blank lines after the block are not part of it when the next node follows.
    let next = j;
    if (chomp !== '+') while (next > i + 1 && this.lines[next - 1]!.text.trim() === '') next--;
    return { node: scalar(value, false, this.lines[i]!.n, col), next };
  }
}

function scalar(value: YScalar['value'], quotedFlag: boolean, line: number, column: number): YScalar {
  return { kind: 'scalar', value: typeof value === 'string' ? detachString(value) : value, quoted: quotedFlag, line, column };
}

function isSeqItem(t: string): boolean {
  return t.charCodeAt(0) === 45 /* - */ && (t.length === 1 || t.charCodeAt(1) === 32);
}

/** Index of the `:` that ends a plain mapping key (followed by space or end of line), or -1. */
function keyEnd(t: string): number {
  for (let i = t.indexOf(':'); i >= 0; i = t.indexOf(':', i + 1)) {
    if (i + 1 === t.length || t.charCodeAt(i + 1) === 32) {
      const hash = t.indexOf(' #');
      return hash >= 0 && hash < i ? -1 : i;
    }
  }
  return -1;
}

/** A plain scalar without its trailing comment and spaces. */
function stripComment(t: string): string {
  const hash = t.indexOf(' #');
  return (hash >= 0 ? t.slice(0, hash) : t).trimEnd();
}

const escapes: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

/** A one-line quoted scalar starting at `start`; `end` is the index after the closing quote. */
function quoted(t: string, start: number): { value: string; end: number } {
  const q = t.charCodeAt(start);
  const single = q === 39; /* ' */
  // Runs without escapes are sliced whole (`from` = start of the pending run) rather than
  // appended character by character, which allocated a string per character.
  let out = '';
  let from = start + 1;
  for (let i = start + 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === q) {
      if (single && t.charCodeAt(i + 1) === 39) {
        out += t.slice(from, i + 1);
        i++;
        from = i + 1;
        continue;
      }
      return { value: out + t.slice(from, i), end: i + 1 };
    }
    if (c === 92 /* \ */ && !single) {
      out += t.slice(from, i);
      const e = t[++i];
      if (e === undefined) fail();
      const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hex) {
        const h = t.slice(i + 1, i + 1 + hex);
        if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== hex) fail();
        out += String.fromCodePoint(parseInt(h, 16));
        i += hex;
      } else if (escapes[e!] !== undefined) out += escapes[e!];
      else fail();
      from = i + 1;
    }
  }
  return fail(); // unterminated on this line: multi-line quoted scalars go to the full parser
}

function flowSeq(t: string, line: number, column: number): YSeq {
  const items: YNode[] = [];
  let i = 1;
  for (;;) {
    while (t[i] === ' ') i++;
    if (t[i] === ']' && items.length === 0) break;
    const c = t[i];
    if (c === undefined || '[]{},#&*!|>%@`'.includes(c)) fail();
    if (c === '"' || c === "'") {
      const q = quoted(t, i);
      items.push(scalar(q.value, true, line, column + i));
      i = q.end;
    } else {
      let j = i;
      while (j < t.length && t[j] !== ',' && t[j] !== ']') j++;
      const text = t.slice(i, j).trim();
      if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) fail();
      items.push(scalar(resolvePlain(text), false, line, column + i));
      i = j;
    }
    while (t[i] === ' ') i++;
    if (t[i] === ',') {
      i++;
      continue;
    }
    if (t[i] === ']') break;
    fail();
  }
  const tail = t.slice(i + 1).trim();
  if (tail !== '' && !tail.startsWith('#')) fail();
  return { kind: 'seq', items, line, column };
}

/** YAML 1.2 core schema resolution of a plain scalar. */
export function resolvePlain(s: string): string | number | boolean | null {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  const c = s.charCodeAt(0);
  // Fast exit: most Sigma values start with a letter other than t/f/T/F, or a symbol.
  if (!(c >= 48 && c <= 57) && c !== 45 && c !== 43 && c !== 46 && c !== 116 && c !== 102 && c !== 84 && c !== 70) return s;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s)) return parseFloat(s);
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) return s[0] === '-' ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(s)) return NaN;
  return s;
}
