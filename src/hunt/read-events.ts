import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { TextDecoder } from 'node:util';
import { createGunzip, gunzipSync } from 'node:zlib';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { EventTextParser, type MalformedEvent, type ParsedChunk, type RawEventRecord } from './event-text-parser.js';
import { evtxChunkSize } from '../evtx/index.js';
import type { FilePart } from './file-parts.js';
import { readEvtx, readEvtxBytes } from './read-evtx.js';

export type { MalformedEvent, ParsedChunk, RawEventRecord } from './event-text-parser.js';

/** Callbacks of a read: malformed events (never thrown) and bytes read from disk (for progress). */
export interface ReadEventsOptions {
  onMalformed?: (m: MalformedEvent) => void;
  onBytes?: (bytes: number) => void;
  /** Label used as `file` in records; defaults to the path. */
  label?: string;
  /**
   * Only this part of the file (see `planFileParts`): its records and lines are numbered from 0
   * and 1 within the part, and `onEnd` tells how many it had, so a caller can number them in the file.
   */
  part?: FilePart;
  /** Called once the read is complete: records numbered and lines read (text inputs). */
  onEnd?: (counts: { records: number; lines: number }) => void;
}

const CHUNK = 1 << 20;

type Container = 'evtx' | 'zip' | 'gzip' | 'text';

/** What a file holds, by its first bytes. */
export async function sniffContainer(path: string): Promise<Container> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await fh.read(head, 0, 8, 0);
    const b = head.subarray(0, bytesRead);
    if (b.toString('latin1') === 'ElfFile\0') return 'evtx';
    if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return 'zip';
    if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
    return 'text';
  } finally {
    await fh.close();
  }
}

/** NDJSON by name (`.ndjson`, `.jsonl`, also under `.gz`); anything else is split as JSON values. */
export function textMode(name: string): 'lines' | 'values' {
  return /\.(ndjson|jsonl)(\.gz)?$/i.test(name) ? 'lines' : 'values';
}

async function* readText(stream: AsyncIterable<Buffer | Uint8Array>, parser: EventTextParser): AsyncGenerator<ParsedChunk> {
  if (parser.mode === 'lines') {
    for await (const chunk of stream) yield parser.pushBytes(chunk);
    yield parser.end();
    return;
  }
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of stream) yield parser.push(decoder.decode(chunk, { stream: true }));
  const tail = decoder.decode();
  if (tail) yield parser.push(tail);
  yield parser.end();
}

function countingStream(path: string, onBytes?: (n: number) => void, part?: FilePart) {
  const range = part === undefined ? {} : { start: part.from, end: part.to - 1 };
  const stream = createReadStream(path, { highWaterMark: CHUNK, ...range });
  if (onBytes) stream.on('data', (b) => onBytes(b.length));
  return stream;
}

/**
 * Reads the events of one file in batches: `.json` (one object, an array, or concatenated
 * objects), `.ndjson`/`.jsonl`, gzip of those, zip of those (and of `.evtx`), and `.evtx`.
 * The container is recognised by its magic bytes, the text shape by the file name. Nothing here
 * throws for bad content: malformed events come back in `malformed` with file, record and line.
 * @throws only when the file itself cannot be opened (missing, unreadable).
 */
export async function* readEventBatches(path: string, opts: ReadEventsOptions = {}): AsyncGenerator<ParsedChunk> {
  const label = opts.label ?? path;
  const container = await sniffContainer(path);
  const part = opts.part;
  if (container === 'evtx') {
    const counts = { records: 0, lines: 0 };
    yield* readEvtx(path, label, part?.unit === 'chunks' ? part : undefined, counts);
    opts.onBytes?.(part?.unit === 'chunks' ? (part.to - part.from) * evtxChunkSize : (await stat(path)).size);
    opts.onEnd?.(counts);
    return;
  }
  if (part !== undefined && (container !== 'text' || part.unit !== 'bytes' || textMode(path) !== 'lines')) {
    throw new Error(`${label}: only NDJSON text and EVTX files are read by parts`);
  }
  if (container === 'zip') {
    yield* readZip(countingStream(path, opts.onBytes), label);
    return;
  }
  const parser = new EventTextParser(label, textMode(path), (part?.from ?? 0) === 0);
  const source = countingStream(path, opts.onBytes, part);
  if (container === 'text') {
    yield* readText(source, parser);
    opts.onEnd?.({ records: parser.records, lines: parser.linesRead });
    return;
  }
  // zlib's default 16 KB output chunks cost a round trip to the thread pool and a parsed batch per
  // 16 KB: reading the 1.6 GB inflated from the Security-Datasets files took 5.8–7.1 s against
  // 4.2 s with 256 KB chunks (1 MB: 4.1 s and a little more memory; 4 MB: slower; see
  // docs/benchmarks.md).
  const gunzip = createGunzip({ chunkSize: 1 << 18 });
  source.on('error', (err) => gunzip.destroy(err));
  try {
    yield* readText(source.pipe(gunzip), parser);
  } catch (err) {
    yield { events: [], malformed: [{ file: label, message: `gzip stream error: ${(err as Error).message}` }] };
  } finally {
    source.destroy();
  }
}

/**
 * Reads events one by one (see {@link readEventBatches}).
 * @example
 * for await (const { file, record, raw } of readEvents('logs.ndjson.gz', { onMalformed: console.warn })) …
 */
export async function* readEvents(path: string, opts: ReadEventsOptions = {}): AsyncGenerator<RawEventRecord> {
  for await (const batch of readEventBatches(path, opts)) {
    for (const m of batch.malformed) opts.onMalformed?.(m);
    yield* batch.events;
  }
}

interface MemberState {
  label: string;
  kind: 'text' | 'buffer' | 'skip';
  parser?: EventTextParser;
  decoder?: TextDecoder;
  parts?: Uint8Array[];
}

/** A zip streams through fflate; members are processed in archive order as their bytes arrive. */
async function* readZip(stream: AsyncIterable<Buffer>, label: string): AsyncGenerator<ParsedChunk> {
  const ready: ParsedChunk[] = [];
  const buffered: { member: MemberState; data: Uint8Array }[] = [];
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (file: UnzipFile) => {
    const name = file.name;
    const member: MemberState = { label: `${label}!${name}`, kind: 'skip' };
    if (name.endsWith('/') || name.startsWith('__MACOSX/') || basename(name).startsWith('._')) return;
    if (/\.(json|ndjson|jsonl)$/i.test(name)) {
      member.kind = 'text';
      member.parser = new EventTextParser(member.label, textMode(name));
      if (member.parser.mode === 'values') member.decoder = new TextDecoder('utf-8');
    } else if (/\.(evtx|json\.gz|ndjson\.gz|jsonl\.gz)$/i.test(name)) {
      member.kind = 'buffer';
      member.parts = [];
    } else {
      ready.push({ events: [], malformed: [{ file: member.label, message: 'skipped zip member: not .json, .ndjson, .jsonl, .gz of those, or .evtx' }] });
      return;
    }
    file.ondata = (err, data, final) => {
      if (err) {
        ready.push({ events: [], malformed: [{ file: member.label, message: `zip member error: ${err.message}` }] });
        return;
      }
      if (member.kind === 'text') {
        ready.push(member.decoder ? member.parser!.push(member.decoder.decode(data, { stream: !final })) : member.parser!.pushBytes(data));
        if (final) ready.push(member.parser!.end());
      } else {
        member.parts!.push(data);
        if (final) buffered.push({ member, data: concat(member.parts!) });
      }
    };
    try {
      file.start();
    } catch (err) {
      ready.push({ events: [], malformed: [{ file: member.label, message: `unsupported zip compression ${file.compression}: ${(err as Error).message}` }] });
    }
  };
  const drain = async function* (): AsyncGenerator<ParsedChunk> {
    yield* ready.splice(0);
    for (const b of buffered.splice(0)) yield* readBufferedMember(b.member.label, b.data);
  };
  try {
    for await (const chunk of stream) {
      unzip.push(chunk, false);
      yield* drain();
    }
    unzip.push(new Uint8Array(0), true);
  } catch (err) {
    ready.push({ events: [], malformed: [{ file: label, message: `zip archive error: ${(err as Error).message}` }] });
  }
  yield* drain();
}

function concat(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** Gzip'd JSON or EVTX members are small enough to hold. */
async function* readBufferedMember(label: string, data: Uint8Array): AsyncGenerator<ParsedChunk> {
  if (/\.evtx$/i.test(label)) {
    yield* readEvtxBytes(data, label);
    return;
  }
  let bytes: Buffer;
  try {
    bytes = gunzipSync(data);
  } catch (err) {
    yield { events: [], malformed: [{ file: label, message: `gzip error: ${(err as Error).message}` }] };
    return;
  }
  const parser = new EventTextParser(label, textMode(label));
  yield parser.mode === 'lines' ? parser.pushBytes(bytes) : parser.push(new TextDecoder('utf-8').decode(bytes));
  yield parser.end();
}
