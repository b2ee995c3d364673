/**
 * Converts the rendered XML of one EVTX record (Windows' XML view, or @ts-evtx/core's `renderXml`)
 * into the evtx_dump JSON layout (`{Event:{System,EventData|UserData}}`), the same shape as the
 * regression `.json` files, with the values as the XML shows them: text (but the System numbers),
 * GUIDs in braces, times in milliseconds. Hunting decodes `.evtx` with `src/evtx`, which writes the
 * values typed as evtx_dump does; this is the baseline of `bench:evtx` and the independent rendering
 * the EVTX test checks a `.json` that evtx_dump did not write against.
 */

import { addEvtxChild, evtxScalar } from '../evtx/index.js';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return entities[ref] ?? whole;
  });
}

const attrPattern = /([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

/** Parses the small, well-formed XML subset EVTX rendering produces (no DTD, no CDATA needed). */
function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const top = stack[stack.length - 1]!;
    if (lt < 0) {
      top.text += decodeEntities(xml.slice(i));
      break;
    }
    if (lt > i) top.text += decodeEntities(xml.slice(i, lt));
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt);
      i = end < 0 ? xml.length : end + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      top.text += xml.slice(lt + 9, end < 0 ? xml.length : end);
      i = end < 0 ? xml.length : end + 3;
      continue;
    }
    const gt = xml.indexOf('>', lt);
    if (gt < 0) throw new Error(`unterminated tag at offset ${lt}`);
    const tag = xml.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('?') || tag.startsWith('!')) continue;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.length < 2 || top.name !== name) throw new Error(`unexpected closing tag </${name}> at offset ${lt}`);
      stack.pop();
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const nameEnd = body.search(/[\s]/);
    const name = nameEnd < 0 ? body : body.slice(0, nameEnd);
    const attrs: Record<string, string> = {};
    if (nameEnd >= 0) {
      for (const m of body.slice(nameEnd).matchAll(attrPattern)) attrs[m[1]!] = decodeEntities(m[3] ?? m[4] ?? '');
    }
    const el: XmlElement = { name, attrs, children: [], text: '' };
    top.children.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (stack.length > 1) throw new Error(`unclosed element <${stack[stack.length - 1]!.name}>`);
  return root;
}

/** Generic element → JSON: text-only elements become strings, attributes go under `#attributes`. */
function toJson(el: XmlElement): unknown {
  let attrs: Record<string, unknown> | undefined;
  for (const k in el.attrs) {
    const v = el.attrs[k]!;
    if (v !== '' && k !== 'Qualifiers') (attrs ??= {})[k] = evtxScalar(k, v);
  }
  const text = el.text === '' ? '' : el.text.trim();
  const children = el.children;
  if (children.length === 0 && attrs === undefined) return evtxScalar(el.name, text);
  const out: Record<string, unknown> = {};
  if (attrs !== undefined) out['#attributes'] = attrs;
  if (children.length === 0 && text !== '') out['#text'] = evtxScalar(el.name, text);
  for (let i = 0; i < children.length; i++) addChild(out, children[i]!);
  return out;
}

function addChild(out: Record<string, unknown>, child: XmlElement): void {
  addEvtxChild(out, child.name, toJson(child));
}

/** `<Data Name="X">v</Data>` becomes `X: v`; unnamed `<Data>` values collect under `Data`. */
function eventDataToJson(el: XmlElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let unnamed: string[] | undefined;
  const children = el.children;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (child.name !== 'Data') addChild(out, child);
    else {
      const name = child.attrs['Name'];
      if (name !== undefined) out[name] = child.text;
      else (unnamed ??= []).push(child.text);
    }
  }
  if (unnamed?.length === 1) out['Data'] = unnamed[0];
  else if (unnamed !== undefined) out['Data'] = unnamed;
  return out;
}

/**
 * Rendered EVTX record XML → `{Event:{System,EventData|UserData}}`.
 * @throws Error with the offset when the XML is not well formed.
 */
export function evtxXmlToJson(xml: string): Record<string, unknown> {
  const root = parseXml(xml);
  const event = root.children.find((c) => c.name === 'Event');
  if (!event) throw new Error('no <Event> element in rendered record');
  return evtxEventToJson(event);
}

/** The `<Event>` element → `{Event:{System,EventData|UserData}}` (the rules `EvtxJsonWriter` writes by). */
function evtxEventToJson(event: XmlElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of event.children) {
    if (part.name === 'EventData') out['EventData'] = eventDataToJson(part);
    else addChild(out, part);
  }
  return { Event: out };
}
