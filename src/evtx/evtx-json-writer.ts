import { BINXML, ELEMENT, TEXT, type TemplateNode, type TemplateSource, type Values } from './evtx-template.js';

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

/** Whether `s` is empty or only XML whitespace, without `trim`'s copy. */
function blank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
}

/** Adds a child's JSON to its parent's object under its name: an array once the name repeats. */
export function addEvtxChild(out: Record<string, unknown>, name: string, value: unknown): void {
  const prev = out[name];
  if (prev === undefined) out[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else out[name] = [prev, value];
}

/**
 * Writes a record's compiled template, with its values, straight into the evtx_dump layout
 * (`{Event:{System,EventData|UserData}}`): the object `evtxXmlToJson` makes of the rendered XML,
 * without the XML or an element tree in between. The rules, as evtx_dump applies them:
 * - an element with neither attributes nor child elements is its trimmed text (a number for the
 *   System values of {@link numeric});
 * - otherwise an object: non-empty attributes (but `Qualifiers`) under `#attributes`, the text
 *   under `#text` when there is no child element, child elements by name (an array when repeated);
 * - `EventData` under `Event`: `<Data Name="X">v</Data>` becomes `X: v` (untrimmed), unnamed
 *   `Data` collect under `Data` (one value, or an array).
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
    this.children(root, values, out, EVENT, undefined);
    return { Event: out };
  }

  /** Adds the child elements of `t` (template ones and embedded ones) to `out`; returns their count and `t`'s text. */
  private children(t: TemplateNode, values: Values, out: Record<string, unknown>, rule: Rule, unnamed: string[] | undefined): { kids: number; content: string } {
    let kids = 0;
    let content = '';
    const tc = t.children;
    if ((this.budget -= tc.length) < 0) throw new Error(`the record expands past ${maxNodes} nodes`);
    for (let k = 0; k < tc.length; k++) {
      const c = tc[k]!;
      if (c.kind === TEXT) content += c.name;
      else if (c.kind === ELEMENT) {
        this.element(c, values, out, rule, unnamed);
        kids++;
      } else if (c.id < values.type.length && values.type[c.id] === BINXML) {
        if (values.size[c.id]! === 0) continue;
        if (++this.depth > maxEmbedding) throw new Error(`the record nests binary XML values more than ${maxEmbedding} deep`);
        const e = this.source.embedded(values.at[c.id]!, values.size[c.id]!);
        for (const n of e.nodes) {
          if (n.kind !== ELEMENT) continue;
          this.element(n, e.values, out, rule, unnamed);
          kids++;
        }
        this.depth--;
      } else content += this.source.valueText(c.id, values);
    }
    return { kids, content };
  }

  /** Adds element `t` to its parent's object `out` by the parent's `rule`. */
  private element(t: TemplateNode, values: Values, out: Record<string, unknown>, rule: Rule, unnamed: string[] | undefined): void {
    if (rule === EVENT && t.name === 'EventData') {
      const data: Record<string, unknown> = {};
      const list: string[] = [];
      this.children(t, values, data, EVENT_DATA, list);
      if (list.length === 1) data['Data'] = list[0];
      else if (list.length > 1) data['Data'] = list;
      out['EventData'] = data;
      return;
    }
    if (rule === EVENT_DATA && t.name === 'Data') {
      // Only the text counts, and the Name attribute as it is ('' for an absent optional value).
      const { kids, content } = this.children(t, values, {}, PLAIN, undefined);
      const text = kids === 0 && !blank(content) ? content : '';
      let name: string | undefined;
      for (const a of t.attrs) if (a.name === 'Name') name = this.attrText(a.value, values);
      if (name !== undefined) out[name] = text;
      else unnamed!.push(text);
      return;
    }
    addEvtxChild(out, t.name, this.generic(t, values));
  }

  private generic(t: TemplateNode, values: Values): unknown {
    let obj: Record<string, unknown> | undefined;
    const ta = t.attrs;
    for (let k = 0; k < ta.length; k++) {
      const a = ta[k]!;
      if (a.name === 'Qualifiers') continue;
      const v = this.attrText(a.value, values);
      if (v === '') continue;
      obj ??= { '#attributes': {} };
      (obj['#attributes'] as Record<string, unknown>)[a.name] = evtxScalar(a.name, v);
    }
    const holder: Record<string, unknown> = obj ?? {};
    const { kids, content } = this.children(t, values, holder, PLAIN, undefined);
    if (kids > 0) return holder;
    const text = blank(content) ? '' : content.trim();
    if (obj === undefined) return evtxScalar(t.name, text);
    if (text !== '') obj['#text'] = evtxScalar(t.name, text);
    return obj;
  }

  private attrText(n: TemplateNode | undefined, values: Values): string {
    if (n === undefined || n.kind === ELEMENT) return '';
    if (n.kind === TEXT) return n.name;
    return this.source.valueText(n.id, values);
  }
}
