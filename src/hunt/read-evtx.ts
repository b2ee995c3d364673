import { open, type FileHandle } from 'node:fs/promises';
import { EvtxChunk, evtxChunkSize, evtxFileHeader, type EvtxFileHeader } from '../evtx/index.js';
import type { ParsedChunk } from './event-text-parser.js';
import type { FilePart } from './file-parts.js';

/** Chunks read from disk at a time: 1 MB, so a multi-GB log costs a few thousand reads. */
const chunksPerRead = 16;
const batchSize = 256;

/**
 * Where the bytes of an EVTX file come from: `read` gives up to `length` bytes from byte `at`
 * (fewer at the end), valid until the next call: a file fills one reused buffer, a file in memory
 * gives views of itself.
 */
interface ChunkSource {
  size: number;
  read(at: number, length: number): Promise<Uint8Array>;
}

/**
 * Reads every record of an `.evtx` file as an evtx_dump-shaped object, decoding the binary XML
 * with `EvtxChunk` straight into that layout (no XML text or element tree in between). The file
 * is read 1 MB at a time, so its size is not bounded by memory. A record that cannot be decoded
 * is reported as malformed and the file goes on; a chunk whose record list is broken is reported
 * and skipped from there to the next chunk.
 * @param path file on disk
 * @param label file label for records and errors
 * @param part only these chunks (a part of a file hunted by several threads)
 * @param counts receives the number of records numbered, once the read is complete
 */
export async function* readEvtx(path: string, label: string, part?: FilePart, counts?: { records: number }): AsyncGenerator<ParsedChunk> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    yield { events: [], malformed: [{ file: label, message: `cannot open the EVTX file: ${(err as Error).message}` }] };
    return;
  }
  try {
    const size = (await fh.stat()).size;
    const buf = new Uint8Array(chunksPerRead * evtxChunkSize);
    const read = async (at: number, length: number): Promise<Uint8Array> => buf.subarray(0, (await fh.read(buf, 0, Math.min(length, buf.length), at)).bytesRead);
    yield* readEvtxFrom({ size, read }, label, part, counts);
  } finally {
    await fh.close();
  }
}

/** {@link readEvtx} of a file held in memory (an `.evtx` member of a zip archive). */
export async function* readEvtxBytes(bytes: Uint8Array, label: string): AsyncGenerator<ParsedChunk> {
  yield* readEvtxFrom({ size: bytes.length, read: (at, length) => Promise.resolve(bytes.subarray(at, at + length)) }, label);
}

/** `part`: chunks `[from, to)` only (numbered from 0 after the header); `counts` gets the records numbered. */
async function* readEvtxFrom(source: ChunkSource, label: string, part?: FilePart, counts?: { records: number }): AsyncGenerator<ParsedChunk> {
  let header: EvtxFileHeader;
  try {
    header = evtxFileHeader(await source.read(0, 4096));
  } catch (err) {
    yield { events: [], malformed: [{ file: label, message: `not a readable EVTX file: ${(err as Error).message}` }] };
    return;
  }
  let record = 0;
  let batch: ParsedChunk = { events: [], malformed: [] };
  let chunkNo = part?.from ?? 0;
  const end = part === undefined ? source.size : Math.min(source.size, header.headerSize + part.to * evtxChunkSize);
  for (let pos = header.headerSize + chunkNo * evtxChunkSize; pos + evtxChunkSize <= end; ) {
    const want = Math.min(chunksPerRead, Math.floor((end - pos) / evtxChunkSize)) * evtxChunkSize;
    const buf = await source.read(pos, want);
    const got = buf.length;
    if (got < evtxChunkSize) break; // the file shrank while being read
    for (let k = 0; k + evtxChunkSize <= got; k += evtxChunkSize, chunkNo++) {
      // Windows pre-allocates chunks: one without the chunk signature holds no records yet.
      const chunk = EvtxChunk.open(buf.subarray(k, k + evtxChunkSize));
      if (chunk === undefined) continue;
      for (const r of chunk.records()) {
        if (r instanceof Error) {
          batch.malformed.push({ file: label, record, message: `EVTX chunk ${chunkNo}: ${r.message}; the rest of the chunk is skipped` });
          continue;
        }
        const index = record++;
        if (r.event instanceof Error) batch.malformed.push({ file: label, record: index, message: `EVTX record ${r.id} (chunk ${chunkNo}): ${r.event.message}` });
        else batch.events.push({ file: label, record: index, raw: r.event });
        if (batch.events.length >= batchSize) {
          yield batch;
          batch = { events: [], malformed: [] };
        }
      }
    }
    pos += got - (got % evtxChunkSize);
  }
  if (counts !== undefined) counts.records = record;
  yield batch;
}
