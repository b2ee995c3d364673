import { describe, expect, it } from 'vitest';
import type { RuleMeta } from '../sigma/sigma-types.js';
import { csvField, csvHeader, formatCsv, formatJsonl, summaryRows, tableRow } from './detection-formatters.js';
import type { HuntDetection, HuntSummary } from './hunt.js';

const rule = (over: Partial<RuleMeta> = {}): RuleMeta => ({
  id: 'a1b2', title: 'Suspicious "quoted", title', level: 'high', status: 'test', author: 'Jane Doe, John Roe',
  description: 'd', tags: ['attack.execution', 'attack.t1059'], references: [], logsource: { product: 'windows', category: 'process_creation' }, ...over,
});

const detection = (over: Partial<HuntDetection> = {}): HuntDetection => ({
  detection: { rule: rule(), matched: [{ selection: 'selection', fields: ['Image', 'CommandLine'] }, { selection: 'keywords', fields: [] }], kind: 'rule' },
  file: 'logs/a,b.json', record: 3, event: { Image: 'C:\\x.exe', CommandLine: 'x "y"\r\nz' }, time: Date.parse('2020-10-18T07:50:06.22Z'), computer: 'WS01.corp.local', ...over,
});

describe('detection formatters', () => {
  it('jsonl has exactly rule{id,title,level,author,tags}, file, record, event', () => {
    const parsed = JSON.parse(formatJsonl(detection()));
    expect(Object.keys(parsed)).toEqual(['rule', 'file', 'record', 'event']);
    expect(parsed.rule).toEqual({ id: 'a1b2', title: 'Suspicious "quoted", title', level: 'high', author: 'Jane Doe, John Roe', tags: ['attack.execution', 'attack.t1059'] });
    expect(parsed.record).toBe(3);
    expect(parsed.event.CommandLine).toBe('x "y"\r\nz');
    expect(formatJsonl(detection())).not.toContain('\n');
  });

  it('jsonl adds the correlation details for correlation detections', () => {
    const d = detection({ file: null, record: null, event: null });
    d.detection = { rule: rule({ id: 'c1' }), matched: [], kind: 'correlation', correlation: { type: 'event_count', groupBy: { User: 'x' }, count: 5, rules: ['a1b2'], windowStart: 0, windowEnd: 10 } };
    const parsed = JSON.parse(formatJsonl(d));
    expect(parsed.correlation.groupBy).toEqual({ User: 'x' });
    expect(parsed.file).toBeNull();
  });

  it('csv quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('l1\nl2')).toBe('"l1\nl2"');
    expect(csvHeader()).toBe('time,computer,file,record,level,rule_id,rule_title,author,tags,matched');
    expect(formatCsv(detection())).toBe(
      '2020-10-18T07:50:06.220Z,WS01.corp.local,"logs/a,b.json",3,high,a1b2,"Suspicious ""quoted"", title","Jane Doe, John Roe",attack.execution attack.t1059,"selection: Image, CommandLine; keywords"',
    );
  });

  it('table rows and summaries order rules by severity then count', () => {
    // A correlation decided at the end of the input has no event, hence no time nor computer.
    expect(formatCsv(detection({ file: null, record: null, event: null, time: null, computer: null })).startsWith(',,,,high,')).toBe(true);
    expect(tableRow(detection())).toMatchObject({ time: '2020-10-18T07:50:06.220Z', computer: 'WS01.corp.local', level: 'high', file: 'logs/a,b.json', record: '3', author: 'Jane Doe, John Roe' });
    const summary: HuntSummary = {
      files: 1, events: 10, malformed: 0, detections: 6, belowMinLevel: 0, unselected: 0, outOfRange: 0, untimed: 0,
      byRule: new Map([
        ['rule:l', { rule: rule({ id: 'l', title: 'L', level: 'low' }), kind: 'rule', count: 5 }],
        ['rule:c', { rule: rule({ id: 'c', title: 'C', level: 'critical' }), kind: 'rule', count: 1 }],
      ]),
      byLevel: new Map([['low', 5], ['critical', 1]]),
    };
    const rows = summaryRows(summary);
    expect(rows.byRule.map((r) => r['id'])).toEqual(['c', 'l']);
    expect(rows.byLevel).toEqual([{ level: 'critical', count: 1 }, { level: 'low', count: 5 }]);
  });
});
