import { open } from 'node:fs/promises';
import { evtxChunkSize, evtxFileHeader } from '../evtx/index.js';
import { sniffContainer, textMode } from './read-events.js';

/**
 * A part of a file that a thread can hunt alone: chunks `[from, to)` of an EVTX file (counted
 * after its header; chunks are self-contained), or bytes `[from, to)` of an NDJSON file (from the
 * start of a line to just after a newline).
 */
export interface FilePart {
  unit: 'chunks' | 'bytes';
  from: number;
  to: number;
}

/** Smallest part worth a thread's time by default: 16 MB. */
export const minPartBytes = 16 * 2 ** 20;

/** How many parts a file of this name and size could be hunted in (by its name; `planFileParts` checks the content). */
export function possibleParts(path: string, size: number, partBytes = minPartBytes): number {
  if (!/\.(evtx|ndjson|jsonl)$/i.test(path)) return 1;
  return Math.max(1, Math.floor(size / partBytes));
}

/**
 * Splits an EVTX or NDJSON file into at most `wanted` parts of at least `partBytes` each, for
 * threads to hunt side by side. Other files (gzip, zip, JSON documents) cannot be entered in the
 * middle: undefined, as for a file too small to split.
 */
export async function planFileParts(path: string, size: number, wanted: number, partBytes = minPartBytes): Promise<FilePart[] | undefined> {
  const n = Math.min(wanted, possibleParts(path, size, partBytes));
  if (n < 2) return undefined;
  const container = await sniffContainer(path);
  const fh = await open(path, 'r');
  try {
    if (container === 'evtx') {
      const head = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(head, 0, head.length, 0);
      const chunks = Math.floor((size - evtxFileHeader(head.subarray(0, bytesRead)).headerSize) / evtxChunkSize);
      const parts: FilePart[] = [];
      for (let i = 0; i < n; i++) {
        const from = Math.floor((i * chunks) / n);
        const to = Math.floor(((i + 1) * chunks) / n);
        if (to > from) parts.push({ unit: 'chunks', from, to });
      }
      return parts.length > 1 ? parts : undefined;
    }
    if (container !== 'text' || textMode(path) !== 'lines') return undefined;
    // Each cut moves to just after the next newline, so every part starts a line.
    const cuts = [0];
    const window = Buffer.alloc(64 * 1024);
    for (let i = 1; i < n; i++) {
      let at = Math.max(Math.floor((i * size) / n), cuts[cuts.length - 1]!);
      let cut = size;
      while (at < size) {
        const { bytesRead } = await fh.read(window, 0, window.length, at);
        if (bytesRead === 0) break;
        const nl = window.subarray(0, bytesRead).indexOf(0x0a);
        if (nl >= 0) {
          cut = at + nl + 1;
          break;
        }
        at += bytesRead;
      }
      if (cut > cuts[cuts.length - 1]! && cut < size) cuts.push(cut);
    }
    cuts.push(size);
    const parts: FilePart[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) parts.push({ unit: 'bytes', from: cuts[i]!, to: cuts[i + 1]! });
    return parts.length > 1 ? parts : undefined;
  } finally {
    await fh.close();
  }
}
