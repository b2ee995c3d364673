/**
 * The two breakdowns of `bench:sigma` (`--by-logsource`, `--stages`): where detection time goes,
 * measured by the bench itself so that the figures in docs/benchmarks.md can be reproduced from
 * the repository. Each is timed in alternating passes within one round, like the main rounds, so
 * a neighbour's job on a shared host slows the pair together; the median of the rounds is shown.
 */
import type { Detector, SigmaEvent } from '../src/sigma/index.js';
import { median } from './median.js';

/** What the breakdowns run: the bench's own lines, parser and detection step. */
export interface BreakdownInput {
  count: number;
  lineAt(i: number): string;
  normalize(raw: Record<string, unknown>): SigmaEvent;
  time(raw: Record<string, unknown>): number | undefined;
  detector: Detector;
  log(s: string): void;
}

/** One logsource's share of the events and the cost of detecting on them. */
export interface LogsourceFigures {
  logsource: string;
  events: number;
  parseMs: number;
  detectMs: number;
  ratio: number;
  /** Detection time past twice the parse time: what keeps the whole from a ratio of 2.0. */
  excessMs: number;
  detections: number;
}


/** `product/service/category` of a classified event, `-` for a missing part. */
function logsourceKey(e: SigmaEvent): string {
  const l = e.logsource;
  return `${l.product ?? '-'}/${l.service ?? '-'}/${l.category ?? '-'}`;
}

/**
 * Groups the lines by the logsource their events are classified into, then times a parse-only
 * pass and a detection pass over each group in every round. Groups under `minShare` of the events
 * are timed together as `other`; the default is low enough to give process creation (0.4 % of
 * Security-Datasets, but ten times the detection cost of an average event) rows of its own.
 */
export function byLogsource(input: BreakdownInput, rounds: number, minShare = 0.001): LogsourceFigures[] {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < input.count; i++) {
    const key = logsourceKey(input.normalize(JSON.parse(input.lineAt(i)) as Record<string, unknown>));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const merged = new Map<string, number[]>();
  const other: number[] = [];
  for (const [key, idx] of groups) {
    if (idx.length >= input.count * minShare) merged.set(key, idx);
    else other.push(...idx);
  }
  if (other.length > 0) merged.set('other', other.sort((a, b) => a - b));
  const order = [...merged].sort((a, b) => b[1].length - a[1].length);
  const parsePass = (idx: readonly number[]): number => {
    let n = 0;
    for (const i of idx) n += JSON.parse(input.lineAt(i)) === null ? 0 : 1;
    return n;
  };
  const detectPass = (idx: readonly number[]): number => {
    let n = 0;
    for (const i of idx) {
      const raw = JSON.parse(input.lineAt(i)) as Record<string, unknown>;
      n += input.detector.process(input.normalize(raw), input.time(raw)).length;
    }
    return n + input.detector.flush().length;
  };
  const runs = new Map<string, { parse: number[]; detect: number[]; detections: number }>();
  for (let r = 0; r < rounds; r++) {
    for (const [key, idx] of order) {
      let t = performance.now();
      parsePass(idx);
      const parse = performance.now() - t;
      t = performance.now();
      const detections = detectPass(idx);
      const detect = performance.now() - t;
      const run = runs.get(key) ?? { parse: [], detect: [], detections: 0 };
      run.parse.push(parse);
      run.detect.push(detect);
      run.detections = detections;
      runs.set(key, run);
    }
    input.log(`by logsource: round ${r + 1} of ${rounds} done`);
  }
  return order.map(([key, idx]) => {
    const run = runs.get(key)!;
    const parseMs = median(run.parse);
    const detectMs = median(run.detect);
    return { logsource: key, events: idx.length, parseMs, detectMs, ratio: median(run.detect.map((d, k) => d / run.parse[k]!)), excessMs: Math.max(0, detectMs - 2 * parseMs), detections: run.detections };
  });
}

/** The table {@link byLogsource}'s figures print as, with a total row. */
export function logsourceTable(rows: readonly LogsourceFigures[]): string {
  const total = rows.reduce((a, r) => ({ events: a.events + r.events, parse: a.parse + r.parseMs, detect: a.detect + r.detectMs, excess: a.excess + r.excessMs }), { events: 0, parse: 0, detect: 0, excess: 0 });
  const head = ['logsource (product/service/category)', 'events', 'share', 'parse ms', 'parse+detect ms', 'ratio', 'µs/event over parse', 'excess over 2× ms', 'detections'];
  const body = rows.map((r) => [
    r.logsource,
    String(r.events),
    `${((100 * r.events) / total.events).toFixed(1)} %`,
    r.parseMs.toFixed(0),
    r.detectMs.toFixed(0),
    r.ratio.toFixed(2),
    ((1000 * (r.detectMs - r.parseMs)) / r.events).toFixed(2),
    r.excessMs.toFixed(0),
    String(r.detections),
  ]);
  body.push(['all', String(total.events), '100 %', total.parse.toFixed(0), total.detect.toFixed(0), (total.detect / total.parse).toFixed(2), ((1000 * (total.detect - total.parse)) / total.events).toFixed(2), total.excess.toFixed(0), '']);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)));
  const line = (cells: string[]): string => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

/** Median time of each cumulative stage of the detection loop over all lines. */
export interface StageFigures {
  parseMs: number;
  normalizeMs: number;
  timeMs: number;
  detectMs: number;
}

/**
 * Times four passes over every line in each round, each adding one step of the detection loop:
 * `JSON.parse`; then `normalizeEvent` (classification and field mapping); then the event time;
 * then `Detector.process` (the rule set). The differences are what each step costs.
 */
export function stages(input: BreakdownInput, rounds: number): StageFigures {
  const { count, lineAt, normalize, time, detector } = input;
  const passes: Record<keyof StageFigures, () => number> = {
    parseMs: () => {
      let n = 0;
      for (let i = 0; i < count; i++) n += JSON.parse(lineAt(i)) === null ? 0 : 1;
      return n;
    },
    normalizeMs: () => {
      let n = 0;
      for (let i = 0; i < count; i++) n += normalize(JSON.parse(lineAt(i)) as Record<string, unknown>).fields === null ? 0 : 1;
      return n;
    },
    timeMs: () => {
      let n = 0;
      for (let i = 0; i < count; i++) {
        const raw = JSON.parse(lineAt(i)) as Record<string, unknown>;
        n += normalize(raw).fields === null ? 0 : time(raw) === undefined ? 0 : 1;
      }
      return n;
    },
    detectMs: () => {
      let n = 0;
      for (let i = 0; i < count; i++) {
        const raw = JSON.parse(lineAt(i)) as Record<string, unknown>;
        n += detector.process(normalize(raw), time(raw)).length;
      }
      return n + detector.flush().length;
    },
  };
  const times: Record<keyof StageFigures, number[]> = { parseMs: [], normalizeMs: [], timeMs: [], detectMs: [] };
  for (let r = 0; r < rounds; r++) {
    for (const key of Object.keys(passes) as (keyof StageFigures)[]) {
      const t = performance.now();
      passes[key]();
      times[key].push(performance.now() - t);
    }
    input.log(`stages: round ${r + 1} of ${rounds} done`);
  }
  return { parseMs: median(times.parseMs), normalizeMs: median(times.normalizeMs), timeMs: median(times.timeMs), detectMs: median(times.detectMs) };
}

/** The lines {@link stages}' figures print as: each step's time and its share of the parse. */
export function stageTable(s: StageFigures): string {
  const steps: [string, number][] = [
    ['JSON.parse', s.parseMs],
    ['+ normalizeEvent', s.normalizeMs - s.parseMs],
    ['+ event time', s.timeMs - s.normalizeMs],
    ['+ Detector.process', s.detectMs - s.timeMs],
  ];
  return [
    ...steps.map(([name, ms]) => `${name.padEnd(20)} ${ms.toFixed(0).padStart(7)} ms  ${(ms / s.parseMs).toFixed(2).padStart(5)} × parse`),
    `${'whole loop'.padEnd(20)} ${s.detectMs.toFixed(0).padStart(7)} ms  ${(s.detectMs / s.parseMs).toFixed(2).padStart(5)} × parse`,
  ].join('\n');
}
