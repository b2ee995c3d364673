import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvtxFile } from '@ts-evtx/core';
import { describe, expect, it } from 'vitest';
import { evtxXmlToJson } from '../hunt/evtx-xml-to-json.js';
import { huntInputs } from '../hunt/hunt-inputs.js';
import { readEvents } from '../hunt/read-events.js';
import { EvtxChunk, evtxChunkSize } from './evtx-chunk.js';
import { evtxChunks, evtxFileHeader } from './evtx-file-header.js';
import { packEvtxChunk, packEvtxLog } from './pack-evtx-chunk.js';

const regression = new URL('../../../shared/testdata/sigma-regression/', import.meta.url).pathname;
const present = existsSync(join(regression, 'index.json'));
if (!present) console.log(`skipping EvtxChunk real-data tests: ${regression} is absent`);

/** The regression logs' `.evtx` files, as a hunt of their folder finds them. */
const files = present ? (await huntInputs([join(regression, 'regression_data')])).files.filter((f) => f.endsWith('.evtx')) : [];

function decoded(chunk: Uint8Array): (Record<string, unknown> | string)[] {
  const c = EvtxChunk.open(chunk);
  if (!c) return [];
  return [...c.records()].map((r) => (r instanceof Error ? `chunk: ${r.message}` : r.event instanceof Error ? `record: ${r.event.message}` : r.event));
}

interface IndexEntry {
  json_path: string | null;
  evtx_path: string | null;
}

/** A time evtx_dump cannot have written: it prints six fractional digits. */
const notEvtxDumpTime = /\.\d{7,}Z$/;

describe.skipIf(!present)('EvtxChunk on the SigmaHQ regression logs', () => {
  it("decodes every record exactly as evtx_dump wrote it in the data's .json files", async () => {
    const index = JSON.parse(readFileSync(join(regression, 'index.json'), 'utf8')) as IndexEntry[];
    let records = 0;
    let equal = 0;
    const other: string[] = [];
    for (const entry of index) {
      if (entry.evtx_path === null || entry.json_path === null) continue;
      const evtx = join(regression, entry.evtx_path);
      const got = evtxChunks(readFileSync(evtx)).flatMap(decoded);
      // The hunt reader: some .json files hold several objects written one after another.
      const expected: { Event: { System: { TimeCreated: { '#attributes': { SystemTime: string } } } } }[] = [];
      for await (const r of readEvents(join(regression, entry.json_path))) expected.push(r.raw as (typeof expected)[number]);
      expect(got.length, evtx).toBe(expected.length);
      // Each .json must hold the .evtx's records; an independent decoder says how many there are.
      const library = [...EvtxFile.openSync(evtx).records()];
      expect(library.length, evtx).toBe(got.length);
      got.forEach((g, i) => {
        records++;
        const e = expected[i]!;
        if (notEvtxDumpTime.test(e.Event.System.TimeCreated['#attributes'].SystemTime)) {
          // Written by another tool (nanoseconds), and edited: it has `Explorer.exe` where the
          // record holds `Explorer.EXE`. Checked against @ts-evtx/core's rendering instead.
          other.push(`${evtx} record ${i}`);
          const rendered = evtxXmlToJson(library[i]!.renderXml()) as { Event: { EventData: Record<string, string> } };
          for (const [k, v] of Object.entries((g as { Event: { EventData: Record<string, unknown> } }).Event.EventData)) {
            expect(String(v), `${evtx} record ${i} ${k}`).toBe(rendered.Event.EventData[k]!.trim().replace(/^\{(.*)\}$/, '$1'));
          }
          return;
        }
        expect(g, `${evtx} record ${i}`).toEqual(e);
        equal++;
      });
    }
    console.log(`EvtxChunk: ${equal} of ${records} records equal to evtx_dump's .json; ${other.length} .json not written by evtx_dump, checked against @ts-evtx/core: ${other.join(', ')}`);
    expect(records).toBe(156);
    expect(other.length).toBeLessThanOrEqual(1);
  });

  it('decodes packed chunks, where most records refer to a template defined by an earlier one', () => {
    let packed = 0;
    let records = 0;
    for (const f of files) {
      for (const chunk of evtxChunks(readFileSync(f))) {
        const p = packEvtxChunk(chunk);
        if (!p) continue;
        const own = decoded(chunk);
        const all = decoded(p);
        expect(all.length, f).toBeGreaterThan(own.length);
        expect(all.slice(0, own.length)).toEqual(own);
        // Every added record is one of the chunk's own records again.
        for (const r of all.slice(own.length)) expect(own, f).toContainEqual(r);
        packed++;
        records += all.length;
      }
    }
    expect(packed).toBeGreaterThanOrEqual(files.length);
    expect(records / packed).toBeGreaterThan(20);
  });
});

describe.skipIf(!present)('packEvtxLog', () => {
  it('makes a log whose header counts its chunks and passes the check of @ts-evtx/core, with every packed record', () => {
    const logs = files.slice(0, 5).map((f) => readFileSync(f));
    const log = packEvtxLog(logs, 3);
    const chunks = evtxChunks(log);
    expect(chunks).toHaveLength(logs.reduce((n, l) => n + evtxChunks(l).length, 0) * 3);
    expect(evtxFileHeader(log).chunkCount).toBe(chunks.length);
    const dir = mkdtempSync(join(tmpdir(), 'sw-pack-'));
    try {
      const path = join(dir, 'packed.evtx');
      writeFileSync(path, log);
      const ours = chunks.flatMap(decoded);
      expect(ours.every((r) => typeof r === 'object')).toBe(true);
      expect([...EvtxFile.openSync(path).records()]).toHaveLength(ours.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => packEvtxLog(logs, 20_000)).toThrow('an EVTX header counts at most 65,535');
  });
});

describe.skipIf(!present)('EvtxChunk on randomly damaged real chunks', () => {
  it('decodes or reports every record of 2,840 mutants, never throwing out of records()', () => {
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    let records = 0;
    let errors = 0;
    const t = performance.now();
    for (const f of files) {
      const original = evtxChunks(readFileSync(f))[0]!;
      const end = new DataView(original.buffer, original.byteOffset).getUint32(0x30, true);
      for (let m = 0; m < 20; m++) {
        const chunk = Uint8Array.from(original);
        const flips = 1 + rand(8);
        for (let k = 0; k < flips; k++) chunk[512 + rand(end - 512)] = rand(256);
        for (const r of EvtxChunk.open(chunk)!.records()) {
          records++;
          if (r instanceof Error || r.event instanceof Error) errors++;
          else expect(typeof r.event['Event']).toBe('object');
        }
      }
    }
    console.log(`EvtxChunk fuzz: ${records} records or errors from 2,840 mutants, ${errors} errors, ${(performance.now() - t).toFixed(0)} ms`);
    expect(errors).toBeGreaterThan(100);
  });
});

describe('EvtxChunk on damaged chunks', () => {
  const sample = present ? readFileSync(files[0]!) : undefined;

  it('ignores a chunk without the chunk signature (pre-allocated space)', () => {
    expect(EvtxChunk.open(new Uint8Array(evtxChunkSize))).toBeUndefined();
    expect(EvtxChunk.open(new Uint8Array(100))).toBeUndefined();
  });

  it.skipIf(!sample)('reports a broken record header and stops the chunk there', () => {
    const chunk = Uint8Array.from(evtxChunks(sample!)[0]!);
    chunk[0x200] = 0x00; // first record's magic
    const out = [...EvtxChunk.open(chunk)!.records()];
    expect(out).toHaveLength(1);
    expect((out[0] as Error).message).toMatch(/no record at chunk offset 512 \(magic 0x2a00\)/);
  });

  it.skipIf(!sample)('reports a record whose binary XML is damaged, with where, and goes on', () => {
    const chunk = Uint8Array.from(evtxChunks(sample!)[0]!);
    // The first token after the template instance's header and definition start: an element.
    const v = new DataView(chunk.buffer);
    const defAt = v.getUint32(0x200 + 28 + 6, true);
    chunk[defAt + 24 + 4] = 0x1f; // no such token
    const out = [...EvtxChunk.open(chunk)!.records()];
    const first = out[0] as { event: Record<string, unknown> | Error };
    expect(first.event).toBeInstanceOf(Error);
    expect((first.event as Error).message).toBe(`unexpected binary XML token 0x1f at chunk offset ${defAt + 28}`);
  });
});
