import { describe, expect, it } from 'vitest';
import { EvtxJsonWriter, maxEmbedding, maxNodes } from './evtx-json-writer.js';
import { BINXML, ELEMENT, SUBSTITUTION, TEXT, type TemplateNode, type TemplateSource, type Values } from './evtx-template.js';
import type { EvtxJsonValue } from './evtx-value.js';

const el = (name: string, children: TemplateNode[] = [], attrs: [string, TemplateNode | undefined][] = []): TemplateNode => ({
  kind: ELEMENT, name, id: 0, attrs: attrs.map(([n, value]) => ({ name: n, value })), children,
});
const txt = (t: string): TemplateNode => ({ kind: TEXT, name: t, id: 0, attrs: [], children: [] });
const sub = (id: number): TemplateNode => ({ kind: SUBSTITUTION, name: '', id, attrs: [], children: [] });

/** Values by index; the string '<embedded>' at an index stands for the embedded nodes of `embedded` (value type 0x21). */
function source(items: EvtxJsonValue[], embedded: TemplateNode[] = []): { src: TemplateSource; values: Values } {
  const values: Values = { at: items.map((_, i) => i), size: items.map(() => 1), type: items.map((t) => (t === '<embedded>' ? BINXML : 1)) };
  const src: TemplateSource = {
    value: (id) => items[id] ?? null,
    embedded: () => ({ nodes: embedded, values }),
  };
  return { src, values };
}

describe('EvtxJsonWriter', () => {
  it('writes System as evtx_dump does: typed values, #attributes without null ones, #text, arrays, null for empty', () => {
    const root = el('Event', [
      el('System', [
        el('Provider', [], [['Name', sub(0)], ['Guid', sub(1)]]),
        el('EventID', [sub(2)], [['Qualifiers', sub(3)]]),
        el('Level', [txt(' 4 ')]),
        el('Keywords', [sub(4)]),
        el('TimeCreated', [], [['SystemTime', sub(5)]]),
        el('Tag', [txt('a')], [['Kind', txt('x')]]),
        el('Tag', [txt('b')]),
        el('Security', [], [['UserID', sub(6)]]),
        el('Correlation'),
        el('Legacy', [sub(7)], [['Qualifiers', sub(8)]]),
      ]),
    ], [['xmlns', txt('http://schemas.microsoft.com/win/2004/08/events/event')]]);
    const { src, values } = source(['Microsoft-Windows-Sysmon', null, 1, null, '0x8000000000000000', '2024-01-02T03:04:05.678901Z', null, 7036, 16384]);
    expect(new EvtxJsonWriter(src).event(root, values)).toEqual({
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
          EventID: 1,
          Level: 4,
          Keywords: '0x8000000000000000',
          TimeCreated: { '#attributes': { SystemTime: '2024-01-02T03:04:05.678901Z' } },
          Tag: [{ '#attributes': { Kind: 'x' }, '#text': 'a' }, 'b'],
          Security: null,
          Correlation: null,
          Legacy: { '#attributes': { Qualifiers: 16384 }, '#text': 7036 },
        },
      },
    });
  });

  it('writes EventData by Data names, typed, strings trimmed, unnamed values under Data, and other children generically', () => {
    const data = (name: TemplateNode | undefined, v: TemplateNode[]) => el('Data', v, name === undefined ? [] : [['Name', name]]);
    const root = el('Event', [el('EventData', [
      data(txt('Image'), [sub(0)]),
      data(txt('CommandLine'), [sub(1)]),
      data(txt('ProcessId'), [sub(5)]),
      data(txt('Empty'), []),
      data(undefined, [sub(2)]),
      data(undefined, [sub(3)]),
      el('Binary', [sub(4)]),
    ], [['Name', txt('TaskDisabled')]])]);
    const { src, values } = source(['C:\\x.exe', ' whoami  ', 'first', '   ', 'AB01', 3412]);
    expect(new EvtxJsonWriter(src).event(root, values)).toEqual({
      Event: { EventData: { '#attributes': { Name: 'TaskDisabled' }, Image: 'C:\\x.exe', CommandLine: 'whoami', ProcessId: 3412, Empty: null, Binary: 'AB01', Data: ['first', ''] } },
    });
    const one = el('Event', [el('EventData', [data(undefined, [sub(0)])])]);
    expect(new EvtxJsonWriter(source(['only']).src).event(one, source(['only']).values)).toEqual({ Event: { EventData: { Data: 'only' } } });
  });

  it('joins mixed content (literal text and values) as text', () => {
    const root = el('Event', [el('System', [el('Message', [txt('pid '), sub(0), txt(' of '), sub(1)])])]);
    const { src, values } = source([3412, ['a', 'b']]);
    expect(new EvtxJsonWriter(src).event(root, values)).toEqual({ Event: { System: { Message: 'pid 3412 of a,b' } } });
  });

  it('places embedded binary XML under its parent, by the rules of that parent', () => {
    const inner = el('EventData', [el('Data', [txt('v')], [['Name', txt('K')]])]);
    const root = el('Event', [el('System', [el('EventID', [txt('4624')])]), sub(0)]);
    const { src, values } = source(['<embedded>'], [inner]);
    expect(new EvtxJsonWriter(src).event(root, values)).toEqual({ Event: { System: { EventID: 4624 }, EventData: { K: 'v' } } });
  });

  it('stops a record that expands without end, with an error, in bounded time', () => {
    // A template that refers to one binary XML value twice, whose nodes do the same: 2^depth.
    const twice = el('Data', [sub(0), sub(0)]);
    const src: TemplateSource = { value: () => null, embedded: () => ({ nodes: [twice], values: { at: [0], size: [1], type: [BINXML] } }) };
    const values: Values = { at: [0], size: [1], type: [BINXML] };
    const t = performance.now();
    expect(() => new EvtxJsonWriter(src).event(el('Event', [twice]), values)).toThrow(`the record nests binary XML values more than ${maxEmbedding} deep`);
    // Wide instead of deep: a value written 100 times at each of 3 levels is a million nodes.
    const wide = el('Data', Array.from({ length: 100 }, () => sub(0)));
    // The value's offset stands for its nesting level here.
    const wideSrc: TemplateSource = { value: () => null, embedded: (at) => ({ nodes: [at < 3 ? wide : el('Data')], values: { at: [at + 1], size: [1], type: [BINXML] } }) };
    expect(() => new EvtxJsonWriter(wideSrc).event(el('Event', [wide]), values)).toThrow(`the record expands past ${maxNodes} nodes`);
    expect(performance.now() - t).toBeLessThan(5000);
  });

  it('refuses a record whose root is not Event', () => {
    const { src, values } = source([]);
    expect(() => new EvtxJsonWriter(src).event(el('Events'), values)).toThrow("the record's root element is <Events>, not <Event>");
  });
});
