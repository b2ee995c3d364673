import { describe, expect, it } from 'vitest';
import { evtxXmlToJson } from './evtx-xml-to-json.js';

const wrap = (body: string) =>
  `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Service Control Manager" Guid=""></Provider><EventID Qualifiers="16384">7045</EventID><Channel>System</Channel><Execution ProcessID="668" ThreadID="1"></Execution></System>${body}</Event>`;

describe('evtxXmlToJson', () => {
  it('maps System like evtx_dump: numbers for ids, attributes under #attributes, empty attributes dropped', () => {
    const out = evtxXmlToJson(wrap('<EventData></EventData>')) as { Event: { System: Record<string, unknown> } };
    expect(out.Event.System).toEqual({
      Provider: { '#attributes': { Name: 'Service Control Manager' } },
      EventID: 7045,
      Channel: 'System',
      Execution: { '#attributes': { ProcessID: 668, ThreadID: 1 } },
    });
  });

  it('names EventData by Name, keeps values verbatim (trailing spaces too) and decodes entities', () => {
    const out = evtxXmlToJson(wrap('<EventData><Data Name="ImagePath">cmd.exe /c "a &amp; b" &lt;x&gt; &#x41;&#66; </Data><Data Name="Empty"></Data></EventData>')) as {
      Event: { EventData: Record<string, unknown> };
    };
    expect(out.Event.EventData).toEqual({ ImagePath: 'cmd.exe /c "a & b" <x> AB ', Empty: '' });
  });

  it('collects unnamed Data values (classic event layout) under Data', () => {
    const one = evtxXmlToJson(wrap('<EventData><Data>only</Data></EventData>')) as { Event: { EventData: Record<string, unknown> } };
    expect(one.Event.EventData).toEqual({ Data: 'only' });
    const many = evtxXmlToJson(wrap('<EventData><Data>a</Data><Data>b</Data><Binary>00FF</Binary></EventData>')) as { Event: { EventData: Record<string, unknown> } };
    expect(many.Event.EventData).toEqual({ Data: ['a', 'b'], Binary: '00FF' });
  });

  it('rejects XML that is not well formed, with where', () => {
    expect(() => evtxXmlToJson('<Event><System></Event>')).toThrow(/unexpected closing tag <\/Event> at offset/);
    expect(() => evtxXmlToJson('<Event><System>')).toThrow(/unclosed element <System>/);
    expect(() => evtxXmlToJson('<Other/>')).toThrow(/no <Event>/);
  });
});
