import { EvtxJsonWriter } from './evtx-json-writer.js';
import { ELEMENT, SUBSTITUTION, TEXT, type TemplateNode, type TemplateSource, type Values } from './evtx-template.js';
import { evtxValue, utf16Text, type EvtxJsonValue } from './evtx-value.js';

/** Size of a chunk: a 512-byte header, records, free space. */
export const evtxChunkSize = 0x10000;
const chunkHeaderSize = 0x200;
const recordMagic = 0x00002a2a;
const recordHeaderSize = 24;
/** `ElfChnk\0`, read as two little-endian words. */
const chunkMagic = [0x43666c45, 0x006b6e68] as const;

const noAttrs: TemplateNode['attrs'] = [];
const noChildren: TemplateNode[] = [];
const text = (t: string): TemplateNode => ({ kind: TEXT, name: t, id: 0, attrs: noAttrs, children: noChildren });
const noValues: Values = { at: [], size: [], type: [] };

/** One record of a chunk, decoded. */
export interface EvtxRecord {
  /** Byte offset of the record in its chunk. */
  offset: number;
  /** The record identifier the log gave it. */
  id: bigint;
  /** The event in the evtx_dump layout (`{Event:{System,EventData|UserData}}`), or the error that kept it from being decoded. */
  event: Record<string, unknown> | Error;
}

/**
 * One 64 KB chunk of an EVTX file, decoded record by record. Binary XML templates and element
 * names are defined once per chunk and referred to by offset, so each template is compiled into
 * a tree once (on its first use) and every record only reads its substitution values into it,
 * written straight into the evtx_dump layout by {@link EvtxJsonWriter}.
 *
 * The layout is libevtx's ("Windows XML Event Log (EVTX) format"): tokens 0x01–0x0f, names as
 * `{next, hash, count, UTF-16 text}` structures, templates defined inline on first use, and the
 * value types 0x00–0x15, 0x21 (embedded binary XML) and arrays (type | 0x80).
 *
 * @example
 * const chunk = EvtxChunk.open(bytes.subarray(4096, 4096 + evtxChunkSize));
 * for (const r of chunk?.records() ?? []) if (!(r instanceof Error) && !(r.event instanceof Error)) use(r.event);
 */
export class EvtxChunk implements TemplateSource {
  private readonly view: DataView;
  private readonly writer = new EvtxJsonWriter(this);
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, TemplateNode | null>();

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
      let event: Record<string, unknown> | Error;
      try {
        event = this.fragment(at + recordHeaderSize, at + size - 4);
      } catch (err) {
        event = err as Error;
      }
      yield { offset: at, id, event };
      at += size;
    }
  }

  /** The record whose binary XML fragment is `[from, to)`: a template instance, or plain elements. */
  private fragment(from: number, to: number): Record<string, unknown> {
    const { nodes, values } = this.fragmentNodes(from, to, false);
    const root = nodes.find((n) => n.kind === ELEMENT);
    if (root === undefined) throw new Error(`no element in the binary XML at chunk offset ${from}`);
    return this.writer.event(root, values);
  }

  /** {@link TemplateSource.embedded}: a binary XML value, whose elements carry no dependency id. */
  embedded(at: number, size: number): { nodes: readonly TemplateNode[]; values: Values } {
    return this.fragmentNodes(at, at + size, true);
  }

  /** {@link TemplateSource.value}. */
  value(id: number, values: Values): EvtxJsonValue {
    if (id >= values.type.length) return null;
    return evtxValue(this.bytes, this.view, values.type[id]!, values.at[id]!, values.size[id]!);
  }

  /** The nodes of the fragment `[from, to)` and their values: a template instance's, or none for plain binary XML. */
  private fragmentNodes(from: number, to: number, embedded: boolean): { nodes: readonly TemplateNode[]; values: Values } {
    let at = from;
    if (this.bytes[at] === 0x0f) at += 4; // fragment header: token, major, minor, flags
    if (this.bytes[at] === 0x0c) return this.templateInstance(at, to);
    const nodes: TemplateNode[] = [];
    this.content(at, to, nodes, false, embedded);
    return { nodes, values: noValues };
  }

  /** A template instance at `at`: its template (compiled once) and the values that follow it. */
  private templateInstance(at: number, to: number): { nodes: readonly TemplateNode[]; values: Values } {
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
    return { nodes: [template], values };
  }

  /** The template defined at chunk offset `at`, compiled on first use. */
  private template(at: number): TemplateNode | null {
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
          const el: TemplateNode = { kind: ELEMENT, name: '', id: 0, attrs: [], children: [] };
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

  private attributes(pos: number, to: number, el: TemplateNode, embedded: boolean): number {
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
}

const flagged = new Set([0x41, 0x45, 0x46, 0x47, 0x48, 0x49]);
const entities: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
