import type { EvtxElement } from './evtx-element.js';
import { evtxValueText, utf16Text } from './evtx-value.js';

/** Size of a chunk: a 512-byte header, records, free space. */
export const evtxChunkSize = 0x10000;
const chunkHeaderSize = 0x200;
const recordMagic = 0x00002a2a;
const recordHeaderSize = 24;
/** `ElfChnk\0`, read as two little-endian words. */
const chunkMagic = [0x43666c45, 0x006b6e68] as const;

/**
 * A node of a compiled template: an element, literal text, or a substitution slot. One object
 * shape with a kind, so the render loop stays monomorphic.
 */
interface TemplateNode {
  kind: typeof ELEMENT | typeof TEXT | typeof SUBSTITUTION;
  /** Element name, or the literal text. */
  name: string;
  /** Substitution index. */
  id: number;
  attrs: { name: string; value: TemplateNode | undefined }[];
  children: TemplateNode[];
}
type TemplateElement = TemplateNode;
const ELEMENT = 0;
const TEXT = 1;
const SUBSTITUTION = 2;
const noAttrs: TemplateNode['attrs'] = [];
const noChildren: TemplateNode[] = [];
const text = (t: string): TemplateNode => ({ kind: TEXT, name: t, id: 0, attrs: noAttrs, children: noChildren });

/** The values of one template instance: where each one lies in the chunk, its size and type. */
interface Values {
  at: number[];
  size: number[];
  type: number[];
}

/** One record of a chunk, decoded. */
export interface EvtxRecord {
  /** Byte offset of the record in its chunk. */
  offset: number;
  /** The record identifier the log gave it. */
  id: bigint;
  /** The root element (`Event`), or the error that kept it from being decoded. */
  event: EvtxElement | Error;
}

/**
 * One 64 KB chunk of an EVTX file, decoded record by record. Binary XML templates and element
 * names are defined once per chunk and referred to by offset, so each template is compiled into
 * a tree once (on its first use) and every record only reads its substitution values into it.
 *
 * The layout is libevtx's ("Windows XML Event Log (EVTX) format"): tokens 0x01–0x0f, names as
 * `{next, hash, count, UTF-16 text}` structures, templates defined inline on first use, and the
 * value types 0x00–0x15, 0x21 (embedded binary XML) and arrays (type | 0x80).
 *
 * @example
 * const chunk = EvtxChunk.open(bytes.subarray(4096, 4096 + evtxChunkSize));
 * for (const r of chunk?.records() ?? []) if (!(r.event instanceof Error)) use(r.event);
 */
export class EvtxChunk {
  private readonly view: DataView;
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, TemplateElement | null>();

  private readonly bytes: Buffer;

  private constructor(bytes: Uint8Array) {
    this.bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The chunk in `bytes` (at least {@link evtxChunkSize} long), or undefined when it holds none (an unused chunk). */
  static open(bytes: Uint8Array): EvtxChunk | undefined {
    if (bytes.length < evtxChunkSize) return undefined;
    const c = new EvtxChunk(bytes.subarray(0, evtxChunkSize));
    if (c.view.getUint32(0, true) !== chunkMagic[0] || c.view.getUint32(4, true) !== chunkMagic[1]) return undefined;
    return c;
  }

  /**
   * The chunk's records in order. A record whose binary XML cannot be decoded comes with its
   * error; a broken record header ends the chunk with an Error (the rest cannot be located).
   */
  *records(): Generator<EvtxRecord | Error> {
    const v = this.view;
    const end = Math.min(v.getUint32(0x30, true), evtxChunkSize);
    let at = chunkHeaderSize;
    while (at + recordHeaderSize <= end) {
      const magic = v.getUint32(at, true);
      const size = v.getUint32(at + 4, true);
      if (magic !== recordMagic) {
        yield new Error(`no record at chunk offset ${at} (magic 0x${magic.toString(16)})`);
        return;
      }
      if (size < recordHeaderSize + 4 || at + size > evtxChunkSize || v.getUint32(at + size - 4, true) !== size) {
        yield new Error(`record at chunk offset ${at} has a broken size (${size})`);
        return;
      }
      const id = v.getBigUint64(at + 8, true);
      let event: EvtxElement | Error;
      try {
        event = this.fragment(at + recordHeaderSize, at + size - 4);
      } catch (err) {
        event = err as Error;
      }
      yield { offset: at, id, event };
      at += size;
    }
  }

  /** The root element of the binary XML fragment in `[from, to)`: a template instance or plain elements. */
  private fragment(from: number, to: number): EvtxElement {
    const out = this.fragmentElements(from, to, false);
    if (out.length === 0) throw new Error(`no element in the binary XML at chunk offset ${from}`);
    return out[0]!;
  }

  /** `embedded`: the fragment is a value (type 0x21), whose elements carry no dependency id. */
  private fragmentElements(from: number, to: number, embedded: boolean): EvtxElement[] {
    const b = this.bytes;
    let at = from;
    if (b[at] === 0x0f) at += 4; // fragment header: token, major, minor, flags
    const token = b[at];
    if (token === 0x0c) return this.templateInstance(at, to);
    // Binary XML without a template: compiled and rendered without values.
    const nodes: TemplateNode[] = [];
    this.content(at, to, nodes, false, embedded);
    const none: Values = { at: [], size: [], type: [] };
    const out: EvtxElement[] = [];
    for (const n of nodes) if (n.kind === ELEMENT) out.push(this.render(n, none));
    return out;
  }

  /** A template instance at `at`: its template (compiled once) rendered with the values that follow it. */
  private templateInstance(at: number, to: number): EvtxElement[] {
    const v = this.view;
    const defAt = v.getUint32(at + 6, true);
    let pos = at + 10;
    if (defAt === pos) pos += 24 + v.getUint32(defAt + 20, true); // defined here: skip the definition
    const template = this.template(defAt);
    if (pos + 4 > to) throw new Error(`template instance at chunk offset ${at} has no value list`);
    const count = v.getUint32(pos, true);
    pos += 4;
    if (pos + 4 * count > to) throw new Error(`template instance at chunk offset ${at} declares ${count} values past the record's end`);
    // Plain arrays: three typed arrays a record cost more to allocate than the rest of its values.
    const values: Values = { at: new Array<number>(count), size: new Array<number>(count), type: new Array<number>(count) };
    let data = pos + 4 * count;
    for (let i = 0; i < count; i++) {
      const size = v.getUint16(pos + 4 * i, true);
      values.size[i] = size;
      values.type[i] = v.getUint8(pos + 4 * i + 2);
      values.at[i] = data;
      data += size;
    }
    if (data > to) throw new Error(`values of the template instance at chunk offset ${at} run past the record's end`);
    if (template === null) throw new Error(`template at chunk offset ${defAt} holds no element`);
    return [this.render(template, values)];
  }

  /** The template defined at chunk offset `at`, compiled on first use. */
  private template(at: number): TemplateElement | null {
    let t = this.templates.get(at);
    if (t !== undefined) return t;
    if (at + 24 > evtxChunkSize) throw new Error(`template offset ${at} is outside the chunk`);
    const size = this.view.getUint32(at + 20, true);
    const nodes: TemplateNode[] = [];
    let pos = at + 24;
    if (this.bytes[pos] === 0x0f) pos += 4;
    this.content(pos, Math.min(at + 24 + size, evtxChunkSize), nodes, false);
    t = nodes.find((n) => n.kind === ELEMENT) ?? null;
    this.templates.set(at, t);
    return t;
  }

  /** Name structure at chunk offset `at`: `{next, hash, count, text, NUL}`. */
  private name(at: number): string {
    let n = this.names.get(at);
    if (n === undefined) {
      if (at + 8 > evtxChunkSize) throw new Error(`name offset ${at} is outside the chunk`);
      const count = this.view.getUint16(at + 6, true);
      n = utf16Text(this.bytes, at + 8, 2 * count);
      this.names.set(at, n);
    }
    return n;
  }

  /** Reads a name reference at `pos`; returns the position after it (past an inline name). */
  private nameRef(pos: number, out: { name: string }): number {
    const at = this.view.getUint32(pos, true);
    out.name = this.name(at);
    pos += 4;
    return at === pos ? pos + 10 + 2 * this.view.getUint16(at + 6, true) : pos;
  }

  /**
   * Compiles tokens from `pos` into `into` until the end of the enclosing element (0x04), of the
   * fragment (0x00), or `to`. With `one`, stops after one content node (an attribute's value).
   * @returns the position after what was read
   */
  private content(pos: number, to: number, into: TemplateNode[], one: boolean, embedded = false): number {
    const b = this.bytes;
    const v = this.view;
    const name = { name: '' };
    while (pos < to) {
      const token = b[pos]!;
      // 0x40 marks more data (attributes, further attributes, more text) on a few tokens only.
      switch (token & 0x40 && flagged.has(token) ? token & 0x0f : token) {
        case 0x00: // end of stream
          return pos + 1;
        case 0x04: // end of element
          return pos + 1;
        case 0x01: {
          const el: TemplateElement = { kind: ELEMENT, name: '', id: 0, attrs: [], children: [] };
          // token, [dependency id: not in elements of embedded binary XML values], size, name, [attribute list size]
          pos = this.nameRef(pos + (embedded ? 5 : 7), name) + (token & 0x40 ? 4 : 0);
          el.name = name.name;
          pos = this.attributes(pos, to, el, embedded);
          const close = b[pos];
          if (close === 0x02) pos = this.content(pos + 1, to, el.children, false, embedded);
          else if (close === 0x03) pos += 1;
          else throw new Error(`element <${el.name}> at chunk offset ${pos} is not closed (token 0x${(close ?? 0).toString(16)})`);
          into.push(el);
          break;
        }
        case 0x05: {
          const count = v.getUint16(pos + 2, true);
          into.push(text(utf16Text(b, pos + 4, 2 * count)));
          pos += 4 + 2 * count;
          break;
        }
        case 0x07: {
          const count = v.getUint16(pos + 1, true);
          into.push(text(utf16Text(b, pos + 3, 2 * count)));
          pos += 3 + 2 * count;
          break;
        }
        case 0x08:
          into.push(text(String.fromCharCode(v.getUint16(pos + 1, true))));
          pos += 3;
          break;
        case 0x09: {
          pos = this.nameRef(pos + 1, name);
          into.push(text(entities[name.name] ?? `&${name.name};`));
          break;
        }
        case 0x0a:
          pos = this.nameRef(pos + 1, name);
          break;
        case 0x0b:
          pos += 3 + 2 * v.getUint16(pos + 1, true);
          break;
        case 0x0d:
        case 0x0e:
          into.push({ kind: SUBSTITUTION, name: '', id: v.getUint16(pos + 1, true), attrs: noAttrs, children: noChildren });
          pos += 4;
          break;
        case 0x0f:
          pos += 4;
          break;
        default:
          throw new Error(`unexpected binary XML token 0x${token.toString(16)} at chunk offset ${pos}`);
      }
      if (one) return pos;
    }
    return pos;
  }

  private attributes(pos: number, to: number, el: TemplateElement, embedded: boolean): number {
    const b = this.bytes;
    const name = { name: '' };
    while (pos < to && (b[pos] === 0x06 || b[pos] === 0x46)) {
      pos = this.nameRef(pos + 1, name);
      const value: TemplateNode[] = [];
      pos = this.content(pos, to, value, true, embedded);
      el.attrs.push({ name: name.name, value: value[0] });
    }
    return pos;
  }

  /** A compiled element with the values of one instance. */
  private render(t: TemplateElement, values: Values): EvtxElement {
    const ta = t.attrs;
    let attrs = noAttrValues;
    if (ta.length > 0) {
      attrs = {};
      for (let k = 0; k < ta.length; k++) {
        const a = ta[k]!;
        attrs[a.name] = a.value === undefined ? '' : this.attrText(a.value, values);
      }
    }
    const el: EvtxElement = { name: t.name, attrs, children: noElements, text: '' };
    let content = '';
    const tc = t.children;
    for (let k = 0; k < tc.length; k++) {
      const c = tc[k]!;
      if (c.kind === TEXT) content += c.name;
      else if (c.kind === ELEMENT) {
        if (el.children === noElements) el.children = [];
        el.children.push(this.render(c, values));
      } else if (c.id < values.type.length && values.type[c.id] === 0x21) {
        const at = values.at[c.id]!;
        if (values.size[c.id]! > 0) {
          const embedded = this.fragmentElements(at, at + values.size[c.id]!, true);
          if (embedded.length > 0 && el.children === noElements) el.children = [];
          for (const e of embedded) el.children.push(e);
        }
      } else content += this.valueText(c, values);
    }
    // The rendered XML leaves an element whose content is only whitespace empty.
    if (el.children.length === 0 && !blank(content)) el.text = content;
    return el;
  }

  private attrText(n: TemplateNode, values: Values): string {
    if (n.kind === TEXT) return n.name;
    if (n.kind === ELEMENT) return '';
    return this.valueText(n, values);
  }

  private valueText(s: TemplateNode, values: Values): string {
    if (s.id >= values.type.length) return '';
    return evtxValueText(this.bytes, this.view, values.type[s.id]!, values.at[s.id]!, values.size[s.id]!);
  }
}

/** Shared by the elements without attributes or children: never written to (see {@link EvtxElement}). */
const noAttrValues: Record<string, string> = Object.freeze({}) as Record<string, string>;
const noElements: EvtxElement[] = Object.freeze([]) as unknown as EvtxElement[];

/** Whether `s` is empty or only XML whitespace, without `trim`'s copy. */
function blank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
}

const flagged = new Set([0x41, 0x45, 0x46, 0x47, 0x48, 0x49]);
const entities: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
