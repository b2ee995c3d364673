import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { splitLineRecords } from '../parsers/index.js';
import { sequentialIds } from '../../shared/ids.js';
import { prepareBatch } from './batch-preparation.js';

const text = (v: unknown): string => new TextDecoder().decode(v as Uint8Array);

describe('prepareBatch', () => {
  it('answers each row’s message and data as UTF-8 views of one buffer, ASCII and not', () => {
    const lines = [
      JSON.stringify({ EventID: 4625, Channel: 'Security', Message: 'plain ascii' }),
      JSON.stringify({ EventID: 4625, Channel: 'Security', Message: 'Straße ✓ 𝄞 — grows the buffer' }),
      '<13>1 2026-01-01T00:00:00Z host app - - - syslog ü',
    ];
    const prepared = prepareBatch(
      { orgId: 'org-a', input: 'http', receivedAt: 1, records: lines, hold: false },
      sequentialIds('e'),
    );
    expect(prepared.rows).toHaveLength(3);
    for (const row of prepared.rows) {
      expect(row.dataJson).toBeInstanceOf(Uint8Array);
      expect((row.dataJson as Uint8Array).buffer).toBe(prepared.buffer);
      if (row.message !== null) expect((row.message as Uint8Array).buffer).toBe(prepared.buffer);
    }
    const data = prepared.rows.map((r) => JSON.parse(text(r.dataJson)) as { raw: Record<string, unknown> });
    expect(data[0]!.raw['Message']).toBe('plain ascii');
    expect(data[1]!.raw['Message']).toBe('Straße ✓ 𝄞 — grows the buffer');
    expect(text(prepared.rows[2]!.message)).toContain('syslog ü');
    // The raw line is embedded as received.
    expect(text(prepared.rows[1]!.dataJson)).toContain(lines[1]!);
  });
});

const shared = fileURLToPath(new URL('../../../../shared/testdata/', import.meta.url));
const datasets = `${shared}security-datasets/datasets/`;
const haveData = existsSync(datasets) && existsSync(`${shared}syslog/cef-samples.txt`);
if (!haveData) console.warn(`skipping the row-bytes test on real events: ${shared} is absent`);

/** Every `.ndjson.gz` under `dir`. */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = `${dir}/${name}`;
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ndjson.gz') ? [p] : [];
  });
}

describe.runIf(haveData)('prepareBatch of a line body on real events', () => {
  it('stores the same row bytes as the string path, the line copied from the body where it is embedded as received', () => {
    // Lines from every Security-Datasets file (79 of 81 hold non-ASCII characters), CEF and
    // syslog lines (their raw is re-encoded, not the line), JSON the parser refuses, and JSON
    // written with blanks and escapes (embedded as written).
    const lines = walk(datasets).flatMap((f) => gunzipSync(readFileSync(f)).toString('utf8').split('\n').filter((l) => l.trim()).slice(0, 25));
    expect(lines.some((l) => Buffer.byteLength(l) > l.length)).toBe(true);
    const cef = readFileSync(`${shared}syslog/cef-samples.txt`, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    const odd = ['{ "EventID" : 4625 , "Channel":"Security", "Message":"caf\\u00e9 \\"quoted\\" ✓"}', '{"broken": ', '{"a":[1,2,{"b":"𝄞"}]}', '<13>1 2026-01-01T00:00:00Z host app - - - syslog ü'];
    const all = [...odd, ...lines.slice(0, 1500), ...cef, ...lines.slice(1500)];
    // A BOM, CRLF and LF line ends and a blank line, as senders write them.
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(all.map((l, i) => (i % 7 === 3 ? `${l}\r\n\n` : `${l}\n`)).join(''))]);
    const split = splitLineRecords(body, 1 << 20);
    const request = { orgId: 'org-a', input: 'http', receivedAt: 1_700_000_000_000, hold: false, busJson: false };
    const asStrings = prepareBatch({ ...request, records: split.records }, sequentialIds('e'));
    const asBody = prepareBatch({ ...request, records: [], lines: { body, maxLineBytes: 1 << 20 } }, sequentialIds('e'));
    expect(asBody.rejected).toEqual(asStrings.rejected);
    expect(asBody.ids).toEqual(asStrings.ids);
    expect(asBody.rows).toHaveLength(asStrings.rows.length);
    expect(asBody.rows.length).toBeGreaterThan(1500);
    for (let i = 0; i < asBody.rows.length; i++) {
      const [a, b] = [asBody.rows[i]!, asStrings.rows[i]!];
      expect(Buffer.from(a.dataJson as Uint8Array).equals(Buffer.from(b.dataJson as Uint8Array)), `row ${i}`).toBe(true);
      expect(a.message === null ? b.message === null : Buffer.from(a.message as Uint8Array).equals(Buffer.from(b.message as Uint8Array)), `row ${i}`).toBe(true);
    }
    // The odd JSON line is embedded as written, escapes and blanks included, with ECS message as a reference.
    expect(text(asBody.rows[0]!.dataJson)).toContain(`"raw":${odd[0]},"ecs":`);
  });
});
