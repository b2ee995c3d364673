import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Detector, normalizeEvent } from '../sigma/index.js';
import { hunt, type HuntDetection, type HuntOptions } from './hunt.js';
import { evtxChunks, evtxChunkSize } from '../evtx/index.js';
import { packEvtxLog } from '../evtx/pack-evtx-chunk.js';
import { minPartBytes, planFileParts } from './file-parts.js';
import { autoThreads, bytesPerThread, huntInThreads, usefulThreads } from './hunt-in-threads.js';
import { eventTime } from './event-time.js';
import { readEvents, type MalformedEvent } from './read-events.js';
import { loadRulePaths } from './rule-loader.js';

const shared = new URL('../../../shared/', import.meta.url).pathname;
const regression = join(shared, 'testdata/sigma-regression');
const content = join(shared, 'content/sigma');
const present = existsSync(join(regression, 'index.json')) && existsSync(content);
if (!present) console.log(`skipping threaded hunt tests: ${regression} or ${content} is absent`);

interface Entry { rule_path: string; json_path: string | null; evtx_path: string | null }
const entries: Entry[] = present ? JSON.parse(readFileSync(join(regression, 'index.json'), 'utf8')) : [];

const dir = mkdtempSync(join(tmpdir(), 'sw-hunt-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a hunt reported, in order: detections and malformed events as one list, and the summary. */
async function record(run: (o: Pick<HuntOptions, 'onDetection' | 'onMalformed' | 'range'>) => Promise<unknown>) {
  const seen: string[] = [];
  const onDetection = (d: HuntDetection) => seen.push(`${d.detection.rule.id} ${d.file}#${d.record} ${d.time} ${d.computer} ${JSON.stringify(d.detection.matched)} ${JSON.stringify(d.event)}`);
  const onMalformed = (m: MalformedEvent) => seen.push(`malformed ${m.file}#${m.record} ${m.message}`);
  const summary = await run({ onDetection, onMalformed });
  return { seen, summary };
}

describe.skipIf(!present)('huntInThreads', () => {
  // Twelve regression cases (their rules and their .json and .evtx files) and one broken file.
  const cases = entries.filter((e) => e.json_path && e.evtx_path).slice(0, 12);
  const rulesDir = join(dir, 'rules');
  mkdirSync(rulesDir);
  for (const e of cases) copyFileSync(join(content, e.rule_path), join(rulesDir, basename(e.rule_path)));
  const broken = join(dir, 'broken.ndjson');
  const files = [...cases.flatMap((e) => [join(regression, e.json_path!), join(regression, e.evtx_path!)]), broken];

  it('reports what one thread reports, in the same order, with the same summary', async () => {
    const first = (await readEvents(join(regression, cases[0]!.json_path!)).next()).value!.raw;
    writeFileSync(broken, `{"Event": \n${JSON.stringify(first)}\n`);
    const loaded = await loadRulePaths([rulesDir]);
    const detector = new Detector({ ruleSet: loaded.ruleSet, correlations: loaded.correlations });
    const one = await record((o) => hunt(files, { ...o, engine: detector, normalize: normalizeEvent }));
    const three = await record((o) => huntInThreads(files, { ...o, threads: 3, rulePaths: [rulesDir], detector }));
    expect(one.seen.filter((s) => !s.startsWith('malformed')).length).toBeGreaterThanOrEqual(cases.length * 2);
    expect(one.seen.some((s) => s.startsWith(`malformed ${broken}#0`))).toBe(true);
    expect(three.seen).toEqual(one.seen);
    expect(three.summary).toEqual(one.summary);
    // Sizes that hand the last files out first: results come back out of order and are replayed in order.
    const reversed = await record((o) => huntInThreads(files, { ...o, threads: 2, rulePaths: [rulesDir], detector, sizes: files.map((_, i) => i) }));
    expect(reversed.seen).toEqual(one.seen);
    // One thread: this thread alone, no worker.
    const alone = await record((o) => huntInThreads(files, { ...o, threads: 1, rulePaths: [rulesDir], detector }));
    expect(alone.seen).toEqual(one.seen);
    expect(alone.summary).toEqual(one.summary);
  }, 120_000);

  it('applies the time window in the workers, counting as one thread does', async () => {
    const loaded = await loadRulePaths([rulesDir]);
    const detector = new Detector({ ruleSet: loaded.ruleSet });
    // A window around the first case's events only: every other file's events fall outside.
    const first = (await readEvents(join(regression, cases[0]!.json_path!)).next()).value!.raw;
    const t = eventTime(first)!;
    const range = { from: t - 1000, to: t + 1000 };
    const one = await record((o) => hunt(files, { ...o, range, engine: detector, normalize: normalizeEvent }));
    const two = await record((o) => huntInThreads(files, { ...o, range, threads: 2, rulePaths: [rulesDir], detector }));
    expect(two.seen).toEqual(one.seen);
    expect(two.summary).toEqual(one.summary);
    expect((one.summary as { outOfRange: number }).outOfRange).toBeGreaterThan(0);
    expect(one.seen.length).toBeGreaterThan(0);
  }, 120_000);

  it('refuses a detector with correlation rules, whose windows need one ordered stream', async () => {
    const loaded = await loadRulePaths([rulesDir]);
    const corr = { doc: { title: 'c', correlation: { type: 'event_count', rules: [loaded.ruleSet.rules()[0]!.id], timespan: '1m', condition: { gte: 2 } } }, path: 'c.yml' };
    const detector = new Detector({ ruleSet: loaded.ruleSet, correlations: [corr] });
    expect(detector.errors).toEqual([]);
    expect(detector.correlations()).toHaveLength(1);
    await expect(huntInThreads(files, { threads: 2, rulePaths: [rulesDir], detector, onDetection: () => {} })).rejects.toThrow('a hunt with correlation rules runs in one thread');
  });

  it('hunts large NDJSON and EVTX files in parts, reporting what one thread reports', async () => {
    const loaded = await loadRulePaths([rulesDir]);
    const detector = new Detector({ ruleSet: loaded.ruleSet });
    // NDJSON: the cases' events many times over, with a broken line, a blank line and a non-object among them.
    const events: string[] = [];
    for (const e of cases) for await (const r of readEvents(join(regression, e.json_path!))) events.push(JSON.stringify(r.raw));
    const lines: string[] = [];
    for (let k = 0; k < 40; k++) lines.push(...events, k % 7 === 3 ? '{"Event": ' : k % 7 === 5 ? '' : k % 7 === 6 ? '[1]' : events[k % events.length]!);
    const ndjson = join(dir, 'big.ndjson');
    writeFileSync(ndjson, lines.join('\n') + '\n');
    // EVTX: the cases' chunks packed to a real log's density, four times over.
    const log = packEvtxLog(cases.map((e) => readFileSync(join(regression, e.evtx_path!))), 4);
    const chunks = evtxChunks(log);
    const evtx = join(dir, 'big.evtx');
    writeFileSync(evtx, log);
    const partBytes = 3 * evtxChunkSize;
    const ndjsonParts = (await planFileParts(ndjson, statSync(ndjson).size, 6, partBytes))!;
    const evtxParts = (await planFileParts(evtx, statSync(evtx).size, 6, partBytes))!;
    expect(ndjsonParts.length).toBeGreaterThan(2);
    expect(evtxParts.length).toBeGreaterThan(2);
    const both = [ndjson, files[0]!, evtx];
    const one = await record((o) => hunt(both, { ...o, engine: detector, normalize: normalizeEvent }));
    const three = await record((o) => huntInThreads(both, { ...o, threads: 3, partBytes, rulePaths: [rulesDir], detector }));
    expect(one.seen.filter((x) => x.startsWith('malformed')).length).toBeGreaterThanOrEqual(10);
    expect(one.seen.filter((x) => x.includes(`${evtx}#`)).length).toBeGreaterThan(chunks.length);
    expect(three.seen).toEqual(one.seen);
    expect(three.summary).toEqual(one.summary);
  }, 120_000);

  it('fails the hunt, naming the file, when a file cannot be read', async () => {
    const loaded = await loadRulePaths([rulesDir]);
    const detector = new Detector({ ruleSet: loaded.ruleSet });
    const gone = join(dir, 'gone.json');
    await expect(huntInThreads([files[0]!, gone], { threads: 2, rulePaths: [rulesDir], detector, onDetection: () => {} })).rejects.toThrow('gone.json');
  }, 120_000);
});

describe('autoThreads', () => {
  it('gives one thread per core only when the input repays each thread its rule load', () => {
    const big = bytesPerThread;
    expect(autoThreads(['a.json'], [10 * big], 8)).toBe(1);
    expect(autoThreads(['a.json', 'b.json', 'c.json'], [big, big, big], 8)).toBe(3);
    expect(autoThreads(['a.json', 'b.json', 'c.json'], [big, big, big], 2)).toBe(2);
    expect(autoThreads(['a.json', 'b.json'], [big / 4, big / 4], 8)).toBe(1);
    // Compressed logs count ten times their size.
    expect(autoThreads(['a.ndjson.gz', 'b.zip'], [big / 5, big / 5], 8)).toBe(2);
    // One large EVTX or NDJSON file is hunted in parts: it can use every core.
    expect(autoThreads(['a.evtx'], [10 * big], 8)).toBe(8);
    expect(autoThreads(['a.ndjson'], [2 * big], 8)).toBe(2);
    expect(usefulThreads(['a.evtx', 'b.json'], [minPartBytes * 3, 10 * big])).toBe(4);
  });
});
