import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { JsonValueSplitter } from '../../hunt/index.js';

/** A piece of stdin that is not a record, reported instead of sent. */
export interface StdinMalformed {
  line: number;
  message: string;
}

/**
 * The records of a stream read by `shieldwall ingest -`, one string per event, ready for a
 * batch: gzip is recognised by its magic bytes (`zcat` is not needed), a stream whose first
 * non-blank character is `[` is a JSON array (pretty-printed or not; each element is sent
 * compacted to one line), and anything else is one record per line: NDJSON, or syslog/CEF text
 * that the node parses. Blank lines are skipped; a JSON element that does not parse is reported
 * through `onMalformed` (the node would refuse it anyway), while a bad line is sent so that the
 * node answers with its precise code, as for the HTTP API.
 *
 * @example
 * for await (const record of stdinRecords(process.stdin, (m) => console.error(m))) batch.push(record);
 */
export async function* stdinRecords(input: AsyncIterable<Buffer | string>, onMalformed: (m: StdinMalformed) => void = () => undefined): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let mode: 'lines' | 'values' | undefined;
  let held = '';
  let splitter: JsonValueSplitter | undefined;
  let errorsSeen = 0;

  const fromValues = function* (values: { text: string; line: number }[]): Generator<string> {
    for (const v of values) {
      try {
        yield JSON.stringify(JSON.parse(v.text));
      } catch (err) {
        onMalformed({ line: v.line, message: `invalid JSON: ${(err as Error).message}` });
      }
    }
    for (; errorsSeen < splitter!.errors.length; errorsSeen++) onMalformed(splitter!.errors[errorsSeen]!);
  };
  const fromLines = function* (text: string, final: boolean): Generator<string> {
    const parts = (held + text).split('\n');
    held = final ? '' : parts.pop()!;
    for (const part of parts) {
      const line = part.endsWith('\r') ? part.slice(0, -1) : part;
      if (line.trim() !== '') yield line;
    }
  };

  for await (const chunk of await gunzipIfCompressed(input)) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (mode === undefined) {
      // The shape is decided by the first non-blank character, which may come in a later chunk.
      held += text;
      const start = held.trimStart();
      if (start === '') continue;
      mode = start.startsWith('[') ? 'values' : 'lines';
      text = held;
      held = '';
      if (mode === 'values') splitter = new JsonValueSplitter();
    }
    if (mode === 'values') yield* fromValues(splitter!.push(text));
    else yield* fromLines(text, false);
  }
  const tail = decoder.decode();
  if (mode === 'values') yield* fromValues([...splitter!.push(tail), ...splitter!.end()]);
  else yield* fromLines(tail, true);
}

/** Passes the stream through gunzip when it starts with the gzip magic bytes (1f 8b). */
async function gunzipIfCompressed(input: AsyncIterable<Buffer | string>): Promise<AsyncIterable<Buffer | string>> {
  const it = input[Symbol.asyncIterator]();
  const head: (Buffer | string)[] = [];
  let size = 0;
  let done = false;
  while (size < 2 && !done) {
    const next = await it.next();
    if (next.done) done = true;
    else {
      head.push(next.value);
      size += next.value.length;
    }
  }
  const first = head.length > 0 && typeof head[0] !== 'string' ? Buffer.concat(head as Buffer[]) : undefined;
  const rest = async function* (): AsyncGenerator<Buffer | string> {
    yield* head;
    if (!done) for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  };
  // 256 KB output chunks, as for files (read-events): zlib's default 16 KB cost a batch each.
  if (first && first[0] === 0x1f && first[1] === 0x8b) return Readable.from(rest()).pipe(createGunzip({ chunkSize: 1 << 18 }));
  return rest();
}
