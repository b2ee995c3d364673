import { evtxChunkSize } from './evtx-chunk.js';

/** What the 4 KB header of an EVTX file says. */
export interface EvtxFileHeader {
  /** Bytes before the first chunk (4096 in every file Windows writes). */
  headerSize: number;
  /** Chunks the header counts; a dirty file may hold more, which readers take too. */
  chunkCount: number;
  /** Version, e.g. 3.1. */
  major: number;
  minor: number;
  /** Flag 1: the file was not closed cleanly; flag 2: it is full. */
  dirty: boolean;
  full: boolean;
}

/**
 * Reads the header at the start of an EVTX file.
 * @throws Error saying what is wrong when `bytes` does not start with an EVTX header
 */
export function evtxFileHeader(bytes: Uint8Array): EvtxFileHeader {
  if (bytes.length < 128) throw new Error(`an EVTX header needs 128 bytes, the file has ${bytes.length}`);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== 'ElfFile\u0000') throw new Error(`not an EVTX file: it starts with ${JSON.stringify(magic)}, not "ElfFile"`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = v.getUint16(0x28, true);
  if (headerSize < 128) throw new Error(`EVTX header block size ${headerSize} is smaller than the header`);
  const flags = v.getUint32(0x78, true);
  return { headerSize, chunkCount: v.getUint16(0x2a, true), minor: v.getUint16(0x24, true), major: v.getUint16(0x26, true), dirty: (flags & 1) !== 0, full: (flags & 2) !== 0 };
}

/**
 * The 64 KB chunks of an EVTX file held in memory, after its header (views, not copies).
 * @throws Error when `bytes` does not start with an EVTX header
 */
export function evtxChunks(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = evtxFileHeader(bytes).headerSize; at + evtxChunkSize <= bytes.length; at += evtxChunkSize) out.push(bytes.subarray(at, at + evtxChunkSize));
  return out;
}
