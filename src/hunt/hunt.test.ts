import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { Detector, type DetectorRuleSet } from '../sigma/detector.js';
import type { RuleMeta, SigmaEvent, SigmaMatch } from '../sigma/sigma-types.js';
import { hunt, type HuntDetection } from './hunt.js';
import type { HuntRuleFilter } from './hunt-rule-filter.js';
import { readEvents } from './read-events.js';

/**
 * The hunt loop with the real Detector (correlations included) over real regression events. The
 * rule set is an in-test stand-in (file events whose TargetFilename contains a marker), so these
 * tests pin the loop's behaviour: levels, event time, files as one stream, end-of-input flush.
 */
const regression = new URL('../../../shared/testdata/sigma-regression/', import.meta.url).pathname;
const present = existsSync(join(regression, 'index.json'));
if (!present) console.log(`skipping hunt loop tests: ${regression} is absent`);
const entries: { json_path: string | null }[] = present ? JSON.parse(readFileSync(join(regression, 'index.json'), 'utf8')) : [];
const netexec = present ? join(regression, entries.find((e) => e.json_path?.includes('/file_event_win_hktl_netexec_file_indicators/'))!.json_path!) : '';

const meta = (id: string, name: string, level: string): RuleMeta => ({
  id, name, title: `rule ${id}`, level, status: 'test', author: 'Test Author', description: '', tags: [], references: [], logsource: { product: 'windows', category: 'file_event' },
});
const ruleSet = (defs: { meta: RuleMeta; marker: string }[]): DetectorRuleSet => ({
  rules: () => defs.map((d) => d.meta),
  match: (e: SigmaEvent): SigmaMatch[] =>
    defs.filter((d) => String(e.fields['TargetFilename'] ?? '').includes(d.marker)).map((d) => ({ rule: d.meta, matched: [{ selection: 'selection', fields: ['TargetFilename'] }] })),
});
const flatten = (raw: Record<string, unknown>): SigmaEvent => {
  const ev = (raw as { Event: { System: Record<string, unknown>; EventData: Record<string, unknown> } }).Event;
  return { fields: { ...ev.EventData, EventID: ev.System['EventID'], Computer: ev.System['Computer'] }, logsource: { product: 'windows', category: 'file_event' } };
};

const highAll = meta('r-high', 'nxc_file', 'high');
const lowPs1 = meta('r-low', 'ps1_file', 'low');
const rules = ruleSet([{ meta: highAll, marker: '\\nxc\\' }, { meta: lowPs1, marker: '.ps1' }]);

const dir = mkdtempSync(join(tmpdir(), 'sw-hunt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(files: string[], detector: Detector, minLevel?: 'medium') {
  const out: HuntDetection[] = [];
  const summary = await hunt(files, { engine: detector, normalize: flatten, ...(minLevel ? { minLevel } : {}), onDetection: (d) => out.push(d) });
  return { out, summary };
}

async function run2(files: string[], detector: Detector, filter: HuntRuleFilter) {
  const out: HuntDetection[] = [];
  const summary = await hunt(files, { engine: detector, normalize: flatten, rules: filter, onDetection: (d) => out.push(d) });
  return { out, summary };
}

describe.skipIf(!present)('hunt', () => {
  it('reports each detection with its file, record and raw event, and counts by rule and level', async () => {
    const { out, summary } = await run([netexec], new Detector({ ruleSet: rules }));
    expect(out.filter((d) => d.detection.rule.id === 'r-high').map((d) => d.record)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(out.filter((d) => d.detection.rule.id === 'r-low').map((d) => d.record)).toEqual([0, 1, 2, 4, 5]);
    const raws = [];
    for await (const r of readEvents(netexec)) raws.push(r.raw);
    expect(out[0]!.event).toEqual(raws[out[0]!.record!]);
    // Its own time (SystemTime 10:58:04.850672Z, to the millisecond) and the host that logged it.
    expect(out[0]).toMatchObject({ record: 0, time: Date.parse('2026-04-08T10:58:04.850Z'), computer: 'swachchhanda' });
    expect(summary).toMatchObject({ files: 1, events: 7, malformed: 0, detections: 12, belowMinLevel: 0 });
    expect(summary.byLevel).toEqual(new Map([['high', 7], ['low', 5]]));
  });

  it('drops detections below the minimum level and counts them', async () => {
    const { out, summary } = await run([netexec], new Detector({ ruleSet: rules }), 'medium');
    expect(new Set(out.map((d) => d.detection.rule.level))).toEqual(new Set(['high']));
    expect(summary.belowMinLevel).toBe(5);
  });

  it('hunts only the events of the time range, by their own time, and counts the others', async () => {
    // The seven events' SystemTimes: …04.850672, .850722, .864253, .864398, .880069, .880098, .888584.
    const range = { from: Date.parse('2026-04-08T10:58:04.864Z'), to: Date.parse('2026-04-08T10:58:04.880Z') };
    const out: HuntDetection[] = [];
    const summary = await hunt([netexec], { engine: new Detector({ ruleSet: rules }), normalize: flatten, range, onDetection: (d) => out.push(d) });
    expect(out.filter((d) => d.detection.rule.id === 'r-high').map((d) => d.record)).toEqual([2, 3]);
    expect(summary).toMatchObject({ events: 7, outOfRange: 5, untimed: 0 });
    // The bound is exclusive at `to`: one millisecond later takes the fifth and sixth (…04.880069, .880098).
    const later = await hunt([netexec], { engine: new Detector({ ruleSet: rules }), normalize: flatten, range: { ...range, to: range.to + 1 }, onDetection: () => {} });
    expect(later.outOfRange).toBe(3);
  });

  it('hunts an event without a time inside any range, and counts it', async () => {
    const p = join(dir, 'untimed.ndjson');
    const first = (await readEvents(netexec).next()).value!.raw as { Event: { System: Record<string, unknown> } };
    const untimed = structuredClone(first);
    delete untimed.Event.System['TimeCreated'];
    writeFileSync(p, `${JSON.stringify(first)}\n${JSON.stringify(untimed)}\n`);
    const out: HuntDetection[] = [];
    const summary = await hunt([p], { engine: new Detector({ ruleSet: rules }), normalize: flatten, range: { from: Date.parse('2030-01-01T00:00:00Z') }, onDetection: (d) => out.push(d) });
    expect(summary).toMatchObject({ events: 2, outOfRange: 1, untimed: 1 });
    expect(out.filter((d) => d.detection.rule.id === 'r-high').map((d) => d.record)).toEqual([1]);
  });

  it('drops detections of rules outside the rule filter and counts them', async () => {
    const tagged = ruleSet([{ meta: { ...highAll, status: 'stable', tags: ['attack.t1105'] }, marker: '\\nxc\\' }, { meta: lowPs1, marker: '.ps1' }]);
    const byTag = await run2([netexec], new Detector({ ruleSet: tagged }), { tags: ['attack.t1105'] });
    expect(new Set(byTag.out.map((d) => d.detection.rule.id))).toEqual(new Set(['r-high']));
    expect(byTag.summary).toMatchObject({ detections: 7, unselected: 5 });
    const byStatus = await run2([netexec], new Detector({ ruleSet: tagged }), { statuses: ['test'] });
    expect(new Set(byStatus.out.map((d) => d.detection.rule.id))).toEqual(new Set(['r-low']));
    expect(byStatus.summary.unselected).toBe(7);
  });

  it('drives correlation windows with the events own time, across files', async () => {
    const raws = [];
    for await (const r of readEvents(netexec)) raws.push(JSON.stringify(r.raw));
    const a = join(dir, 'a.ndjson');
    const b = join(dir, 'b.ndjson');
    writeFileSync(a, raws.slice(0, 3).join('\n'));
    writeFileSync(b, raws.slice(3).join('\n'));
    const corr = parseAllDocuments(`title: seven nxc files
id: c-7
level: critical
author: Corr Author
correlation: {type: event_count, rules: [nxc_file], group-by: [Computer], timespan: 1s, generate: true, condition: {gte: 7}}`)
      .map((d) => ({ doc: d.toJS() as Record<string, unknown>, path: 'c.yml' }));
    const { out } = await run([a, b], new Detector({ ruleSet: rules, correlations: corr }));
    const hits = out.filter((d) => d.detection.kind === 'correlation');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ file: b, record: 3 });
    expect(hits[0]!.detection.correlation).toMatchObject({ type: 'event_count', count: 7, groupBy: { Computer: 'swachchhanda' } });
    // 10:58:04.888584Z is the seventh event's SystemTime: the window follows the log, not the wall clock.
    expect(hits[0]!.detection.correlation!.windowEnd).toBe(Date.parse('2026-04-08T10:58:04.888Z'));
  });

  it('reports events the normaliser rejects as malformed and goes on', async () => {
    const p = join(dir, 'mixed.ndjson');
    const first = JSON.stringify((await readEvents(netexec).next()).value!.raw);
    writeFileSync(p, `${first}\n{"not":"an evtx event"}\n${first}\n`);
    const malformed: unknown[] = [];
    const out: HuntDetection[] = [];
    const summary = await hunt([p], { engine: new Detector({ ruleSet: rules }), normalize: flatten, onDetection: (d) => out.push(d), onMalformed: (m) => malformed.push(m) });
    expect(summary).toMatchObject({ events: 3, malformed: 1 });
    expect(malformed).toEqual([{ file: p, record: 1, message: expect.stringContaining('cannot normalise event') }]);
    expect(out.filter((d) => d.detection.rule.id === 'r-high').map((d) => d.record)).toEqual([0, 2]);
  });
});
