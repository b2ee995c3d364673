import { EvtxFile } from '@ts-evtx/core';
import { evtxXmlToJson } from './evtx-xml-to-json.js';
import type { ParsedChunk } from './event-text-parser.js';

/**
 * Reads every record of an `.evtx` file as an evtx_dump-shaped object. A record that cannot be
 * rendered is reported as malformed and the file goes on; a broken chunk list ends the file with
 * one malformed entry instead of a crash.
 * @param path file on disk (the library maps the whole file; EVTX logs are bounded by Windows).
 * @param label file label for records and errors.
 */
export async function* readEvtx(path: string, label: string): AsyncGenerator<ParsedChunk> {
  let file: EvtxFile;
  try {
    file = await EvtxFile.open(path);
  } catch (err) {
    yield { events: [], malformed: [{ file: label, message: `not a readable EVTX file: ${(err as Error).message}` }] };
    return;
  }
  let record = 0;
  let batch: ParsedChunk = { events: [], malformed: [] };
  const records = file.records();
  for (;;) {
    let next: IteratorResult<{ renderXml(): string; recordNum(): bigint }>;
    try {
      next = records.next();
    } catch (err) {
      batch.malformed.push({ file: label, record, message: `EVTX structure error after record ${record}: ${(err as Error).message}` });
      break;
    }
    if (next.done) break;
    const index = record++;
    try {
      batch.events.push({ file: label, record: index, raw: evtxXmlToJson(next.value.renderXml()) });
    } catch (err) {
      batch.malformed.push({ file: label, record: index, message: `EVTX record ${String(next.value.recordNum())}: ${(err as Error).message}` });
    }
    if (batch.events.length >= 256) {
      yield batch;
      batch = { events: [], malformed: [] };
    }
  }
  yield batch;
}
