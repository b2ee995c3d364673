import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import type { FilePart } from './file-parts.js';
import { readEventBatches, readEvents, type MalformedEvent, type RawEventRecord } from './read-events.js';

const regression = new URL('../../../shared/testdata/sigma-regression/', import.meta.url).pathname;
const present = existsSync(join(regression, 'index.json'));
if (!present) console.log(`skipping read-events real-data tests: ${regression} is absent`);

interface Entry { rule_id: string; json_path: string | null; evtx_path: string | null; event_count: number }
const entries: Entry[] = present ? JSON.parse(readFileSync(join(regression, 'index.json'), 'utf8')) : [];
const byName = (part: string) => entries.find((e) => e.json_path?.includes(part))!;

async function readAll(path: string, label?: string): Promise<{ events: RawEventRecord[]; malformed: MalformedEvent[] }> {
  const malformed: MalformedEvent[] = [];
  const events: RawEventRecord[] = [];
  for await (const e of readEvents(path, { onMalformed: (m) => malformed.push(m), label })) events.push(e);
  return { events, malformed };
}

const tmp = mkdtempSync(join(tmpdir(), 'shieldwall-read-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type EventLike = { Event: { System: { EventID: number; Channel: string }; EventData?: Record<string, unknown> } };

describe.skipIf(!present)('readEvents on real regression data', () => {
  it('reads every .json and .evtx with the documented event counts and no malformed event', async () => {
    for (const e of entries) {
      for (const rel of [e.json_path, e.evtx_path]) {
        if (!rel) continue;
        const { events, malformed } = await readAll(join(regression, rel));
        expect(malformed, rel).toEqual([]);
        expect(events.length, rel).toBe(e.event_count);
        expect(events.map((r) => r.record)).toEqual([...Array(e.event_count).keys()]);
      }
    }
  });

  it('reads concatenated objects (7 in the netexec file) with 0-based record indexes', async () => {
    const e = byName('file_event_win_hktl_netexec_file_indicators');
    const { events } = await readAll(join(regression, e.json_path!));
    expect(events).toHaveLength(7);
    expect(events[6]!.record).toBe(6);
    expect((events[6]!.raw as EventLike).Event.System.EventID).toBe(11);
  });

  it('renders EVTX records into the evtx_dump layout, with the Sysmon EventID and EventData right', async () => {
    for (const e of entries.filter((x) => x.json_path && x.evtx_path)) {
      const fromJson = (await readAll(join(regression, e.json_path!))).events.map((r) => (r.raw as EventLike).Event);
      const fromEvtx = (await readAll(join(regression, e.evtx_path!))).events.map((r) => (r.raw as EventLike).Event);
      fromEvtx.forEach((ev, i) => {
        const j = fromJson[i]!;
        expect(ev.System.EventID, e.evtx_path!).toBe(j.System.EventID);
        expect(ev.System.Channel).toBe(j.System.Channel);
        for (const [k, v] of Object.entries(j.EventData ?? {})) {
          if (typeof v !== 'string' || /^\{?[0-9A-F-]{36}\}?$/i.test(v) || k === 'ParentCommandLine') continue;
          // The JSON exporter trims trailing spaces; the EVTX keeps them. Hex-typed values
          // (win:HexInt64, e.g. Security 4648 ProcessId `0x378`) keep their hex form.
          expect(String(ev.EventData?.[k]).trimEnd(), `${e.evtx_path} ${k}`).toBe(v);
        }
      });
    }
  });

  it('flattens the one UserData event (WMI 5858) like evtx_dump', async () => {
    const e = byName('win_wmi_activity_nteventlogfile_cleareventlog');
    const evtx = (await readAll(join(regression, e.evtx_path!))).events[0]!.raw as { Event: { UserData: { Operation_ClientFailure: Record<string, unknown> } } };
    expect(evtx.Event.UserData.Operation_ClientFailure['Operation']).toContain('Win32_NTEventlogFile.Name="C:\\\\WINDOWS');
  });

  it('reads gzip and zip containers built from real events, labelling zip members', async () => {
    const e = byName('file_event_win_hktl_netexec_file_indicators');
    const json = readFileSync(join(regression, e.json_path!));
    const evtx = readFileSync(join(regression, e.evtx_path!));
    const ndjson = (await readAll(join(regression, e.json_path!))).events.map((r) => JSON.stringify(r.raw)).join('\n');
    writeFileSync(join(tmp, 'a.json.gz'), gzipSync(json));
    writeFileSync(join(tmp, 'b.ndjson.gz'), gzipSync(ndjson));
    writeFileSync(join(tmp, 'c.zip'), zipSync({
      'dir/a.json': json, 'b.ndjson.gz': gzipSync(ndjson), 'x.evtx': evtx, '__MACOSX/._a.json': new Uint8Array([0]), 'notes.txt': new Uint8Array([65]),
    }));
    expect((await readAll(join(tmp, 'a.json.gz'))).events).toHaveLength(7);
    expect((await readAll(join(tmp, 'b.ndjson.gz'))).events).toHaveLength(7);
    const zip = await readAll(join(tmp, 'c.zip'), 'c.zip');
    const files = zip.events.map((r) => `${r.file}#${r.record}`);
    expect(files).toContain('c.zip!dir/a.json#6');
    expect(files).toContain('c.zip!b.ndjson.gz#6');
    expect(files).toContain('c.zip!x.evtx#6');
    expect(zip.events).toHaveLength(21);
    expect(zip.malformed.map((m) => m.file)).toEqual(['c.zip!notes.txt']);
  });
});

describe('readEvents on bad input', () => {
  it('counts malformed NDJSON lines with their line and record, and goes on', async () => {
    const p = join(tmp, 'bad.ndjson');
    writeFileSync(p, '{"a":1}\r\n\r\n{"a":\n[1,2]\n{"a":4}');
    const { events, malformed } = await readAll(p);
    expect(events.map((r) => [r.record, r.raw])).toEqual([[0, { a: 1 }], [3, { a: 4 }]]);
    expect(malformed).toEqual([
      { file: p, record: 1, line: 3, message: expect.stringContaining('invalid JSON') },
      { file: p, record: 2, line: 4, message: 'expected a JSON object, got array' },
    ]);
  });

  it('reports truncated JSON and a corrupt gzip without throwing', async () => {
    const p = join(tmp, 'trunc.json');
    writeFileSync(p, '{"a":1}{"b":');
    expect((await readAll(p)).malformed).toEqual([{ file: p, line: 1, offset: 7, message: expect.stringContaining('truncated') }]);
    const g = join(tmp, 'corrupt.json.gz');
    writeFileSync(g, gzipSync('{"a":1}').subarray(0, 12));
    const { malformed } = await readAll(g);
    expect(malformed[0]?.message).toMatch(/gzip/);
  });

  it('reports a file that claims to be EVTX but is not', async () => {
    const p = join(tmp, 'fake.evtx');
    writeFileSync(p, Buffer.concat([Buffer.from('ElfFile\0'), Buffer.alloc(100)]));
    const { events, malformed } = await readAll(p);
    expect(events).toEqual([]);
    expect(malformed).toHaveLength(1);
    expect(malformed[0]!.file).toBe(p);
  });
});

describe('readEventBatches by parts', () => {
  it('reads an NDJSON file in parts as it reads it whole, numbering on from the parts before', async () => {
    const bom = '\ufeff';
    const lines = [`${bom}{"a":0}`, '{"a":1}', '', '{"a":', `${bom}{"a":4}`, '{"a":5}', '[6]', '{"a":7}'];
    const p = join(tmp, 'parts.ndjson');
    writeFileSync(p, lines.join('\r\n') + '\r\n');
    const bytes = readFileSync(p);
    const seen = (label: string, record: number | undefined, line: number | undefined, what: string) => `${label}#${record}:${line} ${what}`;
    const whole: string[] = [];
    for await (const b of readEventBatches(p)) {
      for (const m of b.malformed) whole.push(seen(m.file, m.record, m.line, m.message));
      for (const e of b.events) whole.push(seen(e.file, e.record, undefined, JSON.stringify(e.raw)));
    }
    // Cut after the 4th line: the second part starts with the line that carries a mid-file BOM.
    let cut = 0;
    for (let k = 0; k < 4; k++) cut = bytes.indexOf(0x0a, cut) + 1;
    const parts: FilePart[] = [{ unit: 'bytes', from: 0, to: cut }, { unit: 'bytes', from: cut, to: bytes.length }];
    const split: string[] = [];
    const before = { records: 0, lines: 0 };
    for (const part of parts) {
      let counts = { records: 0, lines: 0 };
      for await (const b of readEventBatches(p, { part, onEnd: (c) => (counts = c) })) {
        for (const m of b.malformed) split.push(seen(m.file, m.record! + before.records, m.line! + before.lines, m.message));
        for (const e of b.events) split.push(seen(e.file, e.record + before.records, undefined, JSON.stringify(e.raw)));
      }
      before.records += counts.records;
      before.lines += counts.lines;
    }
    const byRecord = (xs: string[]) => xs.slice().sort((x, y) => Number(x.split('#')[1]!.split(':')[0]) - Number(y.split('#')[1]!.split(':')[0]));
    expect(byRecord(split)).toEqual(byRecord(whole));
    expect(whole.filter((x) => x.includes('invalid JSON'))).toHaveLength(2); // '{"a":' and the mid-file BOM line
    expect(before).toEqual({ records: 7, lines: 8 });
  });
});

const datasets = new URL('../../../shared/testdata/security-datasets/', import.meta.url).pathname;
const datasetsPresent = existsSync(join(datasets, 'index.json'));
if (!datasetsPresent) console.log(`skipping Security-Datasets reader test: ${datasets} is absent`);

describe.skipIf(!datasetsPresent)('readEvents on Security-Datasets', () => {
  interface Dataset { file: string; events: number; uncompressed_bytes: number; crlf_line_endings: boolean }
  const all: Dataset[] = datasetsPresent ? JSON.parse(readFileSync(join(datasets, 'index.json'), 'utf8')) : [];
  // The small files (all three layouts, CRLF and LF); the whole set is read by the benchmark.
  const small = all.filter((d) => d.uncompressed_bytes < 3_000_000);

  it('reads every event of the small .ndjson.gz files, CRLF or not, with none malformed', async () => {
    expect(small.some((d) => d.crlf_line_endings) && small.some((d) => !d.crlf_line_endings)).toBe(true);
    for (const d of small) {
      const { events, malformed } = await readAll(join(datasets, d.file));
      expect(malformed, d.file).toEqual([]);
      expect(events.length, d.file).toBe(d.events);
    }
  });
});
