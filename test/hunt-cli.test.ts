import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents } from '../src/hunt/read-events.js';
import { runCli } from './cli-process.js';

const shared = path.resolve(process.cwd(), '../shared');
const regression = path.join(shared, 'testdata/sigma-regression');
const content = path.join(shared, 'content/sigma');
const present = existsSync(path.join(regression, 'index.json')) && existsSync(content);
if (!present) console.log(`skipping hunt CLI tests: ${regression} or ${content} is absent`);

interface Entry { rule_id: string; rule_path: string; json_path: string | null; evtx_path: string | null; event_count: number }
const entries: Entry[] = present ? JSON.parse(readFileSync(path.join(regression, 'index.json'), 'utf8')) : [];
// Three real cases: a 7-event concatenated file, a Security event and the one UserData event.
const picked = ['file_event_win_hktl_netexec_file_indicators', 'win_security_explicit_credential_local_logon', 'win_wmi_activity_nteventlogfile_cleareventlog']
  .map((name) => entries.find((e) => e.json_path?.includes(`/${name}/`))!);

const dir = mkdtempSync(path.join(tmpdir(), 'sw-hunt-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rulesDir = path.join(dir, 'rules');
if (present) {
  mkdirSync(rulesDir);
  for (const e of picked) copyFileSync(path.join(content, e.rule_path), path.join(rulesDir, path.basename(e.rule_path)));
}
const jsonFiles = picked.map((e) => path.join(regression, e.json_path!));
const evtxFiles = picked.map((e) => path.join(regression, e.evtx_path!));

interface Line { rule: { id: string; title: string; level: string; author: string; tags: string[] }; file: string; record: number; event: Record<string, unknown> }
const lines = (stdout: string): Line[] => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);

describe.skipIf(!present)('shieldwall hunt', () => {
  // One plain jsonl hunt, compared against by the other forms and formats (each spawn costs seconds).
  let res: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    res = await runCli(['hunt', '--rules', rulesDir, ...jsonFiles]);
  }, 60_000);

  it('prints one jsonl line per detection with the exact shape and the event at its 0-based record', async () => {
    expect(res.code, res.stderr).toBe(0);
    const out = lines(res.stdout);
    for (const e of picked) expect(out.some((l) => l.rule.id === e.rule_id), e.rule_path).toBe(true);
    for (const l of out) {
      expect(Object.keys(l)).toEqual(['rule', 'file', 'record', 'event']);
      expect(Object.keys(l.rule)).toEqual(['id', 'title', 'level', 'author', 'tags']);
      expect(l.rule.author.length).toBeGreaterThan(0);
      const events = [];
      for await (const r of readEvents(l.file)) events.push(r.raw);
      expect(l.event).toEqual(events[l.record]);
    }
    // The summary goes to stderr so stdout stays machine-readable.
    expect(res.stderr).toContain('Detections by rule');
    expect(res.stderr).toMatch(/3 file\(s\), 9 event\(s\), 0 malformed/);
  });

  it('finds the same detections in the .evtx, .json.gz and .zip forms of the same events', async () => {
    const plain = lines(res.stdout).map((l) => `${l.rule.id}#${l.record}`).sort();
    const evtx = lines((await runCli(['hunt', '--rules', rulesDir, ...evtxFiles])).stdout).map((l) => `${l.rule.id}#${l.record}`).sort();
    expect(evtx).toEqual(plain);
    const gz = jsonFiles.map((f, i) => {
      const p = path.join(dir, `in${i}.json.gz`);
      writeFileSync(p, gzipSync(readFileSync(f)));
      return p;
    });
    const fromGz = lines((await runCli(['hunt', '--rules', rulesDir, ...gz])).stdout).map((l) => `${l.rule.id}#${l.record}`).sort();
    expect(fromGz).toEqual(plain);
    const zip = path.join(dir, 'all.zip');
    writeFileSync(zip, zipSync(Object.fromEntries(jsonFiles.map((f, i) => [`case${i}/events.json`, readFileSync(f)]))));
    const fromZip = lines((await runCli(['hunt', '--rules', rulesDir, zip])).stdout);
    expect(fromZip.map((l) => `${l.rule.id}#${l.record}`).sort()).toEqual(plain);
    expect(fromZip.every((l) => /all\.zip!case\d\/events\.json$/.test(l.file))).toBe(true);
  });

  it('writes csv with a header and a table with the summary on stdout', async () => {
    const csv = await runCli(['hunt', '--rules', rulesDir, '--format', 'csv', ...jsonFiles]);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toBe('time,computer,file,record,level,rule_id,rule_title,author,tags,matched');
    // Every picked event has its time and the host that logged it (the NetExec case's is swachchhanda).
    for (const row of rows.slice(1)) expect(row).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,[^,]+,/);
    expect(rows.some((r) => r.startsWith('2026-04-08T10:58:04.850Z,swachchhanda,'))).toBe(true);
    expect(rows.length - 1).toBe(lines(res.stdout).length);
    const table = await runCli(['hunt', '--rules', rulesDir, '--format', 'table', ...jsonFiles]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^time\s+computer\s+level\s+rule\s+file\s+record/);
    expect(table.stdout).toContain('Detections by level');
  });

  it('drops detections below --min-level', async () => {
    const all = lines(res.stdout);
    const rank = ['informational', 'low', 'medium', 'high', 'critical'];
    const top = Math.max(...all.map((l) => rank.indexOf(l.rule.level)));
    const filtered = await runCli(['hunt', '--rules', rulesDir, '--min-level', rank[top]!, ...jsonFiles]);
    const kept = lines(filtered.stdout);
    expect(kept.length).toBe(all.filter((l) => rank.indexOf(l.rule.level) >= top).length);
    // The picked rules are high and medium, so the highest level leaves some out.
    expect(kept.length).toBeLessThan(all.length);
    expect(kept.length).toBeGreaterThan(0);
    expect(filtered.stderr).toContain(`${all.length - kept.length} below --min-level`);
  });

  it('reports malformed events with file and record and still exits 0', async () => {
    const bad = path.join(dir, 'bad.ndjson');
    const good = readFileSync(jsonFiles[1]!, 'utf8');
    writeFileSync(bad, `{"broken": \n${JSON.stringify(JSON.parse(good))}\n`);
    const res = await runCli(['hunt', '--rules', rulesDir, bad]);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`malformed event: ${bad} (record 0, line 1)`);
    expect(lines(res.stdout).map((l) => l.record)).toContain(1);
  });

  it('hunts a directory as the event files below it, in name order', async () => {
    const tree = path.join(dir, 'tree');
    jsonFiles.forEach((f, i) => {
      mkdirSync(path.join(tree, `case${i}`), { recursive: true });
      copyFileSync(f, path.join(tree, `case${i}`, 'events.json'));
    });
    writeFileSync(path.join(tree, 'README.txt'), 'not an event file');
    const got = await runCli(['hunt', '--rules', rulesDir, tree]);
    expect(got.code, got.stderr).toBe(0);
    const out = lines(got.stdout);
    expect(out.map((l) => `${l.rule.id}#${l.record}`).sort()).toEqual(lines(res.stdout).map((l) => `${l.rule.id}#${l.record}`).sort());
    expect(new Set(out.map((l) => path.relative(tree, l.file)))).toEqual(new Set(['case0/events.json', 'case1/events.json', 'case2/events.json']));
    expect(got.stderr).toMatch(/3 file\(s\), 9 event\(s\)/);
  });

  it('narrows a hunt to --from/--to by the events own time, and to --status and --tag', async () => {
    // The NetExec case's seven events lie between 10:58:04.850 and .888 on 2026-04-08 (UTC).
    const window = await runCli(['hunt', '--rules', rulesDir, '--from', '2026-04-08T10:58:04.864Z', '--to', '2026-04-08 10:58:04.880', ...jsonFiles]);
    expect(window.code, window.stderr).toBe(0);
    const inWindow = lines(window.stdout);
    expect(inWindow.map((l) => `${l.rule.id}#${l.record}`)).toEqual([`${picked[0]!.rule_id}#2`, `${picked[0]!.rule_id}#3`]);
    expect(window.stderr).toMatch(/, 7 event\(s\) outside --from\/--to, 0 without a time/);
    // attack.t1134 is the explicit-credential rule's (attack.t1134.003 below it); the others do not carry it.
    const tagged = await runCli(['hunt', '--rules', rulesDir, '--tag', 'ATTACK.T1134', ...jsonFiles]);
    const byTag = lines(tagged.stdout);
    expect(byTag.length).toBeGreaterThan(0);
    expect(byTag.every((l) => l.rule.id === picked[1]!.rule_id)).toBe(true);
    expect(tagged.stderr).toContain(`${lines(res.stdout).length - byTag.length} of rules left out by --status/--tag`);
    // NetExec and explicit credentials are experimental, the WMI rule is test.
    const tested = lines((await runCli(['hunt', '--rules', rulesDir, '--status', 'stable,test', ...jsonFiles])).stdout);
    expect(tested.length).toBeGreaterThan(0);
    expect(tested.every((l) => l.rule.id === picked[2]!.rule_id)).toBe(true);
  });

  it('gives the same output with --threads 2 as in one thread', async () => {
    const two = await runCli(['hunt', '--rules', rulesDir, '--threads', '2', ...jsonFiles, ...evtxFiles]);
    const one = await runCli(['hunt', '--rules', rulesDir, '--threads', '1', ...jsonFiles, ...evtxFiles]);
    expect(two.code, two.stderr).toBe(0);
    expect(lines(one.stdout).length).toBeGreaterThan(lines(res.stdout).length);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
  });

  it('answers usage errors with exit 2', async () => {
    const codes = await Promise.all([
      runCli(['hunt', '--rules', rulesDir, '--format', 'xml', jsonFiles[0]!]),
      runCli(['hunt', '--rules', rulesDir, '--min-level', 'severe', jsonFiles[0]!]),
      runCli(['hunt', '--rules', rulesDir, path.join(dir, 'missing.json')]),
      runCli(['hunt', '--rules', path.join(dir, 'no-rules'), jsonFiles[0]!]),
      runCli(['hunt', '--rules', rulesDir, '--from', '2021-02-29', jsonFiles[0]!]),
      runCli(['hunt', '--rules', rulesDir, '--from', '2026-04-09', '--to', '2026-04-08', jsonFiles[0]!]),
      runCli(['hunt', '--rules', rulesDir, '--status', 'production', jsonFiles[0]!]),
      runCli(['hunt', '--rules', rulesDir, rulesDir]),
      runCli(['hunt', '--rules', rulesDir, '--threads', '0', jsonFiles[0]!]),
    ]);
    expect(codes.map((c) => c.code)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(codes[8]!.stderr).toContain('--threads takes auto or a whole number from 1 to 64 (got "0")');
    expect(codes[3]!.stderr).toContain('no-rules');
    expect(codes[4]!.stderr).toContain('--from: "2021-02-29": day 29 is out of range (1–28)');
    expect(codes[5]!.stderr).toContain('--from (2026-04-09) must be before --to (2026-04-08)');
    expect(codes[6]!.stderr).toContain('--status takes stable, test, experimental, deprecated, unsupported (got "production")');
    expect(codes[7]!.stderr).toContain(`input directory "${rulesDir}" holds no .json, .ndjson, .jsonl, .evtx, .zip or .gz of those`);
    // Nine CLI processes, each transpiling the sources with tsx (~2–3 s of CPU), share the cores:
    // 25–27 s on a quiet 2-core machine, past 30 s when anything else runs.
  }, 120_000);
});
