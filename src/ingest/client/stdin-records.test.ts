import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { stdinRecords, type StdinMalformed } from './stdin-records.js';

const testdata = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/testdata');
const eve = path.join(testdata, 'suricata/suricata-verify/alert-testmyids/eve.json');
const syslog = path.join(testdata, 'syslog/logger-tcp-rfc3164-lf.tcp');
const haveData = existsSync(eve) && existsSync(syslog);
if (!haveData) console.warn(`skipping stdin record tests: ${testdata} is absent`);

/** Feeds `bytes` in chunks of `size` bytes, as a pipe would. */
async function records(bytes: Buffer, size = 7): Promise<{ records: string[]; malformed: StdinMalformed[] }> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const malformed: StdinMalformed[] = [];
  const out: string[] = [];
  for await (const r of stdinRecords(Readable.from(chunks), (m) => malformed.push(m))) out.push(r);
  return { records: out, malformed };
}

describe.runIf(haveData)('stdinRecords', () => {
  const eveLines = readFileSync(eve, 'utf8').split('\n').filter((l) => l.trim());
  const syslogLines = readFileSync(syslog, 'utf8').split('\n').filter((l) => l.trim());

  it('gives one record per line for NDJSON and syslog text, CRLF and blank lines tolerated', async () => {
    const text = `\n${eveLines.join('\r\n')}\r\n\n${syslogLines.join('\n')}`;
    expect((await records(Buffer.from(text))).records).toEqual([...eveLines, ...syslogLines]);
  });

  it('reads a pretty-printed JSON array element by element, compacted to one line each', async () => {
    const objects = eveLines.map((l) => JSON.parse(l) as object);
    const { records: got, malformed } = await records(Buffer.from(`  ${JSON.stringify(objects, null, 2)}\n`), 13);
    expect(got.map((r) => JSON.parse(r) as object)).toEqual(objects);
    expect(got.every((r) => !r.includes('\n'))).toBe(true);
    expect(malformed).toEqual([]);
  });

  it('gunzips a gzip stream, whatever it holds', async () => {
    expect((await records(gzipSync(syslogLines.join('\n')), 5)).records).toEqual(syslogLines);
    const array = JSON.stringify(eveLines.map((l) => JSON.parse(l) as object));
    expect((await records(gzipSync(array), 3)).records).toHaveLength(eveLines.length);
  });

  it('reports a truncated JSON array instead of sending it, and keeps the elements before it', async () => {
    const { records: got, malformed } = await records(Buffer.from(`[${eveLines[0]},\n{"event_type": "alert", `));
    expect(got).toHaveLength(1);
    expect(malformed.map((m) => m.message).join()).toMatch(/truncated/);
  });

  it('yields nothing for empty input', async () => {
    expect((await records(Buffer.alloc(0))).records).toEqual([]);
    expect((await records(Buffer.from('\n \n'))).records).toEqual([]);
  });
});
