import { crc32 } from 'node:zlib';
import { evtxChunkSize } from './evtx-chunk.js';
import { evtxChunks, evtxFileHeader } from './evtx-file-header.js';

const chunkHeaderSize = 0x200;

/**
 * A copy of a chunk whose free space is filled with more records: the chunk's own records again,
 * each rewritten to refer to its template instead of defining it. The regression logs hold one
 * to seven records per chunk, where Windows writes 50–200; a packed chunk is decoded as a real one
 * is, most records reusing a template compiled for an earlier one. For tests and benchmarks.
 * @returns the packed chunk, or undefined when no record of it can be repeated
 */
export function packEvtxChunk(chunk: Uint8Array): Uint8Array | undefined {
  const v = new DataView(chunk.buffer, chunk.byteOffset, evtxChunkSize);
  const end = v.getUint32(0x30, true);
  const refs: Uint8Array[] = [];
  let lastId = 0n;
  for (let at = chunkHeaderSize; at + 24 <= end; ) {
    const size = v.getUint32(at + 4, true);
    if (v.getUint32(at, true) !== 0x2a2a || size < 28 || at + size > end) break;
    lastId = v.getBigUint64(at + 8, true);
    const ref = asReference(chunk, v, at, size);
    if (ref) refs.push(ref);
    at += size;
  }
  if (refs.length === 0) return undefined;
  const out = new Uint8Array(evtxChunkSize);
  out.set(chunk.subarray(0, end));
  const o = new DataView(out.buffer);
  let at = end;
  let last = 0;
  for (let k = 0; at + refs[k % refs.length]!.length <= evtxChunkSize; k++) {
    const r = refs[k % refs.length]!;
    out.set(r, at);
    o.setBigUint64(at + 8, ++lastId, true);
    last = at;
    at += r.length;
  }
  if (last === 0) return undefined;
  o.setUint32(0x2c, last, true);
  o.setUint32(0x30, at, true);
  o.setBigUint64(0x10, lastId, true);
  o.setBigUint64(0x20, lastId, true);
  return out;
}

/**
 * An EVTX log of real density made of `logs`: the first log's header, then every chunk of every
 * log packed ({@link packEvtxChunk}; as it is when it cannot be), all of them `copies` times. The
 * header counts the chunks and carries its checksum, for readers that check them. For tests and
 * benchmarks.
 * @throws Error past 65,535 chunks, which a header cannot count
 */
export function packEvtxLog(logs: readonly Uint8Array[], copies = 1): Uint8Array {
  if (logs.length === 0) throw new Error('packing an EVTX log needs at least one log');
  const packed = logs.flatMap((log) => evtxChunks(log).map((c) => packEvtxChunk(c) ?? c));
  const chunks = packed.length * copies;
  if (chunks > 0xffff) throw new Error(`${copies} copies make ${chunks} chunks; an EVTX header counts at most 65,535`);
  const header = Uint8Array.from(logs[0]!.subarray(0, evtxFileHeader(logs[0]!).headerSize));
  const v = new DataView(header.buffer);
  v.setUint16(0x2a, chunks, true);
  v.setUint32(0x7c, crc32(header.subarray(0, 120)), true);
  const out = new Uint8Array(header.length + chunks * evtxChunkSize);
  out.set(header);
  let at = header.length;
  for (let c = 0; c < copies; c++) {
    for (const p of packed) {
      out.set(p, at);
      at += evtxChunkSize;
    }
  }
  return out;
}

/**
 * The record at `at` with its template instances referring to their templates, not defining
 * them: the record's own, and those of binary XML values (type 0x21: Security and classic events
 * carry `EventData` so), whose sizes then shrink.
 */
function asReference(chunk: Uint8Array, v: DataView, at: number, size: number): Uint8Array | undefined {
  if (chunk[at + 24] !== 0x0f) return undefined;
  const body = instanceAsReference(chunk, v, at + 28, at + size - 4);
  if (!body) return undefined;
  const out = new Uint8Array(28 + body.length + 4);
  out.set(chunk.subarray(at, at + 28));
  out.set(body, 28);
  const o = new DataView(out.buffer);
  o.setUint32(4, out.length, true);
  o.setUint32(out.length - 4, out.length, true);
  return out;
}

/** The template instance at `inst` (up to `end`) without its template definitions, or undefined when it is none. */
function instanceAsReference(chunk: Uint8Array, v: DataView, inst: number, end: number): Uint8Array | undefined {
  if (chunk[inst] !== 0x0c) return undefined;
  const defAt = v.getUint32(inst + 6, true);
  let pos = inst + 10;
  if (defAt === pos) pos += 24 + v.getUint32(defAt + 20, true);
  if (pos + 4 > end) return undefined;
  const count = v.getUint32(pos, true);
  const parts: Uint8Array[] = [chunk.subarray(inst, inst + 10)];
  const descriptors = Uint8Array.from(chunk.subarray(pos, pos + 4 + 4 * count));
  const d = new DataView(descriptors.buffer);
  parts.push(descriptors);
  let data = pos + 4 + 4 * count;
  for (let i = 0; i < count; i++) {
    const size = d.getUint16(4 + 4 * i, true);
    let value = chunk.subarray(data, data + size);
    if (d.getUint8(6 + 4 * i) === 0x21 && size > 4 && chunk[data] === 0x0f) {
      const inner = instanceAsReference(chunk, v, data + 4, data + size);
      if (inner) {
        value = new Uint8Array(4 + inner.length);
        value.set(chunk.subarray(data, data + 4));
        value.set(inner, 4);
        d.setUint16(4 + 4 * i, value.length, true);
      }
    }
    parts.push(value);
    data += size;
  }
  if (data > end) return undefined;
  parts.push(chunk.subarray(data, end));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
