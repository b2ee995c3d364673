import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEvents } from '../src/hunt/read-events.js';
import { runCli } from './cli-process.js';

const regression = path.resolve(process.cwd(), '../shared/testdata/sigma-regression');
const present = existsSync(path.join(regression, 'index.json'));
if (!present) console.log(`skipping dump CLI tests: ${regression} is absent`);

interface Entry { json_path: string | null; evtx_path: string | null }
const entries: Entry[] = present ? JSON.parse(readFileSync(path.join(regression, 'index.json'), 'utf8')) : [];
const dir = mkdtempSync(path.join(tmpdir(), 'sw-dump-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!present)('shieldwall dump', () => {
  // The 7-record netexec log: a Sysmon file event with a template reused in its chunk.
  const entry = entries.find((e) => e.evtx_path?.includes('/file_event_win_hktl_netexec_file_indicators/'))!;
  const evtx = path.join(regression, entry.evtx_path!);

  it('prints the records of an EVTX file as JSON lines, the same events as the evtx_dump .json', async () => {
    const res = await runCli(['dump', evtx]);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; record: number; event: { Event: { System: { EventID: number; EventRecordID: number } } } });
    const fromJson: { Event: { System: { EventID: number; EventRecordID: number } } }[] = [];
    for await (const e of readEvents(path.join(regression, entry.json_path!))) fromJson.push(e.raw as (typeof fromJson)[number]);
    expect(lines).toHaveLength(fromJson.length);
    lines.forEach((l, i) => {
      expect(l.file).toBe(evtx);
      expect(l.record).toBe(i);
      expect(l.event.Event.System.EventRecordID).toBe(fromJson[i]!.Event.System.EventRecordID);
      expect(l.event.Event.System.EventID).toBe(11);
    });
    expect(res.stderr).toContain(`${fromJson.length} event(s) from 1 file(s), 0 malformed`);
  }, 60_000);

  it('prints the Sigma view with --sigma, stops at --limit, and reports malformed lines and bad options', async () => {
    const ndjson = path.join(dir, 'mixed.ndjson');
    const first = (await readEvents(evtx).next()).value!.raw;
    writeFileSync(ndjson, `${JSON.stringify(first)}\n{"Event": \n${JSON.stringify(first)}\n`);
    const [sigma, limited, bad] = await Promise.all([
      runCli(['dump', '--sigma', ndjson]),
      runCli(['dump', '--limit', '1', evtx]),
      runCli(['dump', '--limit', 'x', evtx]),
    ]);
    expect(sigma.code).toBe(0);
    const views = sigma.stdout.trim().split('\n').map((l) => JSON.parse(l) as { record: number; logsource: Record<string, string>; fields: Record<string, unknown> });
    expect(views.map((v) => v.record)).toEqual([0, 2]);
    expect(views[0]!.logsource).toEqual({ product: 'windows', service: 'sysmon', category: 'file_event' });
    expect(views[0]!.fields['EventID']).toBe(11);
    expect(typeof views[0]!.fields['TargetFilename']).toBe('string');
    expect(sigma.stderr).toContain(`malformed event: ${ndjson} (record 1, line 2): invalid JSON`);
    expect(sigma.stderr).toContain('2 event(s) from 1 file(s), 1 malformed');
    expect(limited.stdout.trim().split('\n')).toHaveLength(1);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--limit takes a whole number from 1 (got "x")');
  }, 60_000);
});
