import { BINXML, ELEMENT, TEXT, type TemplateNode, type TemplateSource, type Values } from './evtx-template.js';
import { evtxValueText, type EvtxJsonValue } from './evtx-value.js';

/** How a parent takes a child element: evtx_dump's `Event` and `EventData` rules, or the generic one. */
const PLAIN = 0;
const EVENT = 1;
const EVENT_DATA = 2;
type Rule = typeof PLAIN | typeof EVENT | typeof EVENT_DATA;

/**
 * Most nodes one record may write: Windows records hold tens to a few hundred; a crafted one
 * could otherwise make a 64 KB chunk expand without end.
 */
export const maxNodes = 100_000;

/** Most binary XML values nested in one another (Windows nests one: `EventData` of classic events). */
export const maxEmbedding = 16;

/** System values evtx_dump prints as numbers. */
const numeric = new Set(['EventID', 'Version', 'Level', 'Task', 'Opcode', 'EventRecordID', 'ProcessID', 'ThreadID']);

/** The JSON of an element's or attribute's text in the evtx_dump layout: a number for the System values of {@link numeric}. */
export function evtxScalar(name: string, text: string): string | number {
  if (numeric.has(name) && /^\d+$/.test(text)) return Number(text);
  return text;
}

/** Adds a child's JSON to its parent's object under its name: an array once the name repeats. */
export function addEvtxChild(out: Record<string, unknown>, name: string, value: unknown): void {
  const prev = out[name];
  if (prev === undefined) out[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else out[name] = [prev, value];
}

/** An element's content so far: its value when it is one substitution, else its text. */
interface Content {
  kids: number;
  pieces: number;
  value: EvtxJsonValue;
}

/**
 * An element's JSON from its content: strings trimmed, as evtx_dump writes them (a command line's
 * trailing blank is gone in the regression `.json`), a number for the System values of
 * {@link numeric} written as text, null for an element without content.
 */
function finished(name: string, c: Content): EvtxJsonValue {
  const v = c.value;
  return typeof v === 'string' ? evtxScalar(name, v.trim()) : v;
}

/**
 * Writes a record's compiled template, with its values, straight into the evtx_dump layout
 * (`{Event:{#attributes, System, EventData|UserData}}`) as omerbenamram/evtx writes it, without
 * XML or an element tree in between. The rules:
 * - an element with neither attributes nor child elements is its content: the value itself when
 *   the content is one substitution (typed: see `evtxValue`), trimmed text otherwise, null when
 *   empty;
 * - otherwise an object: attributes that are not null under `#attributes`, the content under
 *   `#text` when there is no child element, child elements by name (an array when repeated);
 * - `EventData` under `Event`: `<Data Name="X">v</Data>` becomes `X: v`, unnamed `Data` collect
 *   under `Data` (one value, or an array).
 */
export class EvtxJsonWriter {
  /** Nodes the current record may still write (see {@link maxNodes}). */
  private budget = 0;
  /** Binary XML values being written inside one another. */
  private depth = 0;

  constructor(private readonly source: TemplateSource) {}

  /**
   * The record whose root is `root`.
   * @throws Error when the root element is not `Event`, or the record expands past
   *   {@link maxNodes} nodes (a template that refers to a binary XML value many times, whose
   *   template does the same, grows exponentially with the nesting) or nests values deeper than
   *   {@link maxEmbedding}
   */
  event(root: TemplateNode, values: Values): Record<string, unknown> {
    if (root.name !== 'Event') throw new Error(`the record's root element is <${root.name}>, not <Event>`);
    this.budget = maxNodes;
    this.depth = 0;
    const out: Record<string, unknown> = {};
    const attributes = this.attributes(root, values);
    if (attributes !== undefined) out['#attributes'] = attributes;
    this.children(root, values, out, EVENT, undefined);
    return { Event: out };
  }

  /** Adds the child elements of `t` (template ones and embedded ones) to `out`; returns their count and `t`'s content. */
  private children(t: TemplateNode, values: Values, out: Record<string, unknown>, rule: Rule, unnamed: EvtxJsonValue[] | undefined): Content {
    const c: Content = { kids: 0, pieces: 0, value: null };
    const tc = t.children;
    if ((this.budget -= tc.length) < 0) throw new Error(`the record expands past ${maxNodes} nodes`);
    for (let k = 0; k < tc.length; k++) {
      const n = tc[k]!;
      if (n.kind === TEXT) add(c, n.name);
      else if (n.kind === ELEMENT) {
        this.element(n, values, out, rule, unnamed);
        c.kids++;
      } else if (n.id < values.type.length && values.type[n.id] === BINXML) {
        if (values.size[n.id]! === 0) continue;
        if (++this.depth > maxEmbedding) throw new Error(`the record nests binary XML values more than ${maxEmbedding} deep`);
        const e = this.source.embedded(values.at[n.id]!, values.size[n.id]!);
        for (const m of e.nodes) {
          if (m.kind !== ELEMENT) continue;
          this.element(m, e.values, out, rule, unnamed);
          c.kids++;
        }
        this.depth--;
      } else add(c, this.source.value(n.id, values));
    }
    return c;
  }

  /** Adds element `t` to its parent's object `out` by the parent's `rule`. */
  private element(t: TemplateNode, values: Values, out: Record<string, unknown>, rule: Rule, unnamed: EvtxJsonValue[] | undefined): void {
    if (rule === EVENT && t.name === 'EventData') {
      const data: Record<string, unknown> = {};
      const attributes = this.attributes(t, values);
      if (attributes !== undefined) data['#attributes'] = attributes;
      const list: EvtxJsonValue[] = [];
      this.children(t, values, data, EVENT_DATA, list);
      if (list.length === 1) data['Data'] = list[0];
      else if (list.length > 1) data['Data'] = list;
      out['EventData'] = data;
      return;
    }
    if (rule === EVENT_DATA && t.name === 'Data') {
      // Only the content counts (child elements, which Windows never writes there, are dropped),
      // and the Name attribute as it is.
      const c = this.children(t, values, {}, PLAIN, undefined);
      const value = c.kids === 0 ? finished('Data', c) : null;
      let name: string | undefined;
      for (const a of t.attrs) if (a.name === 'Name') name = evtxValueText(this.attrValue(a.value, values));
      if (name !== undefined) out[name] = value;
      else unnamed!.push(value);
      return;
    }
    addEvtxChild(out, t.name, this.generic(t, values));
  }

  private generic(t: TemplateNode, values: Values): unknown {
    const attributes = this.attributes(t, values);
    const holder: Record<string, unknown> = attributes === undefined ? {} : { '#attributes': attributes };
    const c = this.children(t, values, holder, PLAIN, undefined);
    if (c.kids > 0) return holder;
    const value = finished(t.name, c);
    if (attributes === undefined) return value;
    if (value !== null && value !== '') holder['#text'] = value;
    return holder;
  }

  /** The attributes of `t` that are not null, or undefined when none is. */
  private attributes(t: TemplateNode, values: Values): Record<string, unknown> | undefined {
    let out: Record<string, unknown> | undefined;
    const ta = t.attrs;
    for (let k = 0; k < ta.length; k++) {
      const a = ta[k]!;
      const v = this.attrValue(a.value, values);
      if (v === null) continue;
      (out ??= {})[a.name] = typeof v === 'string' ? evtxScalar(a.name, v) : v;
    }
    return out;
  }

  private attrValue(n: TemplateNode | undefined, values: Values): EvtxJsonValue {
    if (n === undefined || n.kind === ELEMENT) return null;
    if (n.kind === TEXT) return n.name;
    return this.source.value(n.id, values);
  }
}

/** Adds one piece (literal text or a substitution) to an element's content. */
function add(c: Content, piece: EvtxJsonValue): void {
  if (c.pieces++ === 0) c.value = piece;
  else c.value = evtxValueText(c.value) + evtxValueText(piece);
}
