import { Option, type Command } from 'commander';
import { CliExit } from '../cli-exit.js';
import { parseFormat, printData, renderTable } from '../output.js';
import { PromTextError, histogramBuckets, histogramQuantile, parsePrometheusText, type PromSample } from '../prometheus-text.js';

/** The pipeline state of a node, as `shieldwall status` shows it. */
export interface NodeStatus {
  url: string;
  ready: boolean;
  checks: Record<string, string>;
  inputs: { input: string; received: number; parsed: number; rejected: Record<string, number>; queued: number; dropped: Record<string, number> }[];
  stages: { stage: string; detected: number }[];
  alerts: Record<string, number>;
  lag: { p50Ms: number | null; p99Ms: number | null; count: number };
  inFlight: number;
}

/** `shieldwall status`: readiness and pipeline counters of a running node (from /readyz and /metrics). */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('show readiness and per-input, per-stage pipeline counters of a running node')
    .addOption(new Option('--url <url>', 'node URL').env('SHIELDWALL_URL').default('http://127.0.0.1:8080'))
    .option('--format <format>', 'table or json', 'table')
    .action(async (opts: { url: string; format: string }) => {
      const format = parseFormat(opts.format, ['table', 'json'] as const);
      if (!/^https?:\/\/[^/]+/.test(opts.url)) throw new CliExit(2, `--url must be an http(s) URL (got ${JSON.stringify(opts.url)})`);
      const status = await fetchStatus(opts.url.replace(/\/+$/, ''));
      if (format === 'json') printData({ ...status }, 'json');
      else process.stdout.write(statusText(status));
      if (!status.ready) process.exitCode = 1;
    });
}

async function get(url: string): Promise<Response> {
  try {
    return await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new CliExit(1, `cannot reach ${url}: ${cause ?? (err as Error).message}`);
  }
}

/** Reads `/readyz` and `/metrics` of the node at `base` and folds the metrics per input and stage. */
export async function fetchStatus(base: string): Promise<NodeStatus> {
  const readyRes = await get(`${base}/readyz`);
  const ready = (await readyRes.json().catch(() => ({}))) as { checks?: Record<string, string> };
  const metricsRes = await get(`${base}/metrics`);
  if (!metricsRes.ok) throw new CliExit(1, `${base}/metrics answered ${metricsRes.status}`);
  let samples: PromSample[];
  try {
    samples = parsePrometheusText(await metricsRes.text());
  } catch (err) {
    if (err instanceof PromTextError) throw new CliExit(1, `${base}/metrics: ${err.message}`);
    throw err;
  }
  return { url: base, ready: readyRes.status === 200, checks: ready.checks ?? {}, ...foldMetrics(samples) };
}

/** Groups the pipeline metrics (see IngestMetrics) per input and stage. */
export function foldMetrics(samples: readonly PromSample[]): Omit<NodeStatus, 'url' | 'ready' | 'checks'> {
  const inputs = new Map<string, NodeStatus['inputs'][number]>();
  const input = (name: string) => {
    let row = inputs.get(name);
    if (!row) inputs.set(name, (row = { input: name, received: 0, parsed: 0, rejected: {}, queued: 0, dropped: {} }));
    return row;
  };
  const stages = new Map<string, number>();
  const alerts: Record<string, number> = {};
  let inFlight = 0;
  for (const s of samples) {
    const l = s.labels;
    switch (s.name) {
      case 'shieldwall_ingest_received_total': input(l.input ?? '').received += s.value; break;
      case 'shieldwall_ingest_parsed_total': input(l.input ?? '').parsed += s.value; break;
      case 'shieldwall_ingest_queued_total': input(l.input ?? '').queued += s.value; break;
      case 'shieldwall_ingest_rejected_total': add(input(l.input ?? '').rejected, l.reason ?? '', s.value); break;
      case 'shieldwall_ingest_dropped_total': add(input(l.input ?? '').dropped, l.reason ?? '', s.value); break;
      case 'shieldwall_detection_events_total': stages.set(l.stage ?? '', (stages.get(l.stage ?? '') ?? 0) + s.value); break;
      case 'shieldwall_alerts_total': add(alerts, l.kind ?? '', s.value); break;
      case 'shieldwall_ingest_in_flight_events': inFlight = s.value; break;
    }
  }
  const buckets = histogramBuckets(samples, 'shieldwall_pipeline_lag_seconds');
  const ms = (q: number) => {
    const v = histogramQuantile(q, buckets);
    return v === null ? null : Math.round(v * 1000);
  };
  return {
    inputs: [...inputs.values()],
    stages: [...stages].map(([stage, detected]) => ({ stage, detected })),
    alerts,
    lag: { p50Ms: ms(0.5), p99Ms: ms(0.99), count: buckets.find((b) => b.le === Infinity)?.count ?? 0 },
    inFlight,
  };
}

function add(into: Record<string, number>, key: string, n: number): void {
  into[key] = (into[key] ?? 0) + n;
}

const byReason = (r: Record<string, number>) => Object.entries(r).map(([k, n]) => `${k}=${n}`).join(' ');

function statusText(s: NodeStatus): string {
  const checks = Object.entries(s.checks).map(([k, v]) => `${k}: ${v}`).join(', ');
  const inputs = s.inputs.map((i) => ({
    input: i.input, received: i.received, parsed: i.parsed,
    rejected: Object.values(i.rejected).reduce((a, b) => a + b, 0), 'rejected by reason': byReason(i.rejected),
    queued: i.queued, dropped: byReason(i.dropped),
  }));
  const lag = (v: number | null) => (v === null ? '-' : `${v} ms`);
  const stages = s.stages.map((st) => ({ stage: st.stage, detected: st.detected, 'lag p50': lag(s.lag.p50Ms), 'lag p99': lag(s.lag.p99Ms), 'in flight': s.inFlight }));
  return [
    `${s.url}: ${s.ready ? 'ready' : 'NOT READY'}${checks ? ` (${checks})` : ''}`,
    '',
    'Inputs',
    renderTable(inputs, ['input', 'received', 'parsed', 'rejected', 'rejected by reason', 'queued', 'dropped']),
    'Stages',
    renderTable(stages, ['stage', 'detected', 'lag p50', 'lag p99', 'in flight']),
    `Alerts: ${byReason(s.alerts) || '0'}    In flight: ${s.inFlight}`,
    '',
  ].join('\n');
}
