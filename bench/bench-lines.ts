/**
 * The benchmarks' events in memory: every line of a set of `.ndjson.gz` files, held compactly so
 * that the timed loops measure parsing and detection rather than the garbage collector.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * Every line, held as (text, start, end) into a few large strings rather than 736 k separate
 * strings: with ~1.7 GB of small strings on the heap, garbage collection dominated both timed
 * loops and hid what parsing and detection cost. `slice` of a flat string is O(1).
 *
 * Each file's lines go into two strings: lines whose characters all fit in one byte, and the
 * others. V8 stores a string in one byte per character only if all of it fits, so one whole-file
 * string holding a single `’` would hand every line to the timed loops in two-byte form, which is
 * not what a reader decoding line by line (`shieldwall hunt`, the HTTP input) produces: JSON.parse
 * of a one-byte line is ~1.8× faster, and so is every scan of its values.
 */
export interface Lines {
  count: number;
  text: string[];
  textOf: Uint16Array;
  start: Float64Array;
  end: Float64Array;
}

const wide = /[\u0100-\uffff]/;

/** The non-blank lines of `files` (gzipped NDJSON), in order, at most `max` of them. */
export function readLines(files: string[], max: number): Lines {
  const text: string[] = [];
  const textOf: number[] = [];
  const start: number[] = [];
  const end: number[] = [];
  for (const f of files) {
    if (textOf.length >= max) break;
    const t = gunzipSync(readFileSync(f)).toString('utf8');
    const groups: string[][] = [[], []];
    const offsets = [0, 0];
    const base = text.length;
    for (let from = 0; from < t.length && textOf.length < max; ) {
      let nl = t.indexOf('\n', from);
      if (nl < 0) nl = t.length;
      const stop = nl > from && t.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const line = t.slice(from, stop);
      if (stop > from && line.trim() !== '') {
        const g = wide.test(line) ? 1 : 0;
        groups[g]!.push(line);
        textOf.push(base + g);
        start.push(offsets[g]!);
        end.push(offsets[g]! + line.length);
        offsets[g]! += line.length + 1;
      }
      from = nl + 1;
    }
    // Copying out of `t` (one character at a time through a one-byte buffer) gives each group its
    // own flat string; a join of slices of a two-byte string would stay two-byte.
    text.push(oneByte(groups[0]!.join('\n')), groups[1]!.join('\n'));
  }
  return { count: textOf.length, text, textOf: Uint16Array.from(textOf), start: Float64Array.from(start), end: Float64Array.from(end) };
}

/** `s` (all of whose characters fit in one byte) as a one-byte string. */
function oneByte(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

/** Line `i` of `l` (an O(1) slice of its file's string). */
export const lineAt = (l: Lines, i: number): string => l.text[l.textOf[i]!]!.slice(l.start[i]!, l.end[i]!);
