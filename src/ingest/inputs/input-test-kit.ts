import { existsSync, readFileSync } from 'node:fs';
import { Registry, type Counter } from 'prom-client';
import { createBus } from '../../bus/index.js';
import { ManualClock, systemClock } from '../../shared/clock.js';
import { randomIds } from '../../shared/ids.js';
import { createStore, orgScope } from '../../store/index.js';
import { IngestMetrics } from '../pipeline/ingest-metrics.js';
import type { EcsFields } from '../parsers/index.js';
import { IngestService, type IngestResult, type IngestSubmitOptions } from '../pipeline/ingest-service.js';
import { PipelineSubjects } from '../pipeline/pipeline-event.js';
import type { IngestTarget, InputLogger, RecordError, SyslogInputDeps } from './input-deps.js';
import { SyslogInputMetrics } from './syslog-input-metrics.js';

// Test support shared by the listener tests (not exported from index.ts).

/** `../shared/testdata/syslog/` from the project root. */
export const syslogTestdata = new URL('../../../../shared/testdata/syslog/', import.meta.url);

export interface CaptureEntry { file: string; transport: 'udp' | 'tcp'; framing: string; format: string; messages: number; bytes: number }

/** The capture manifest, or undefined (with the reason printed) when the test data is absent. */
export function loadCaptures(): CaptureEntry[] | undefined {
  const manifest = new URL('manifest.json', syslogTestdata);
  if (!existsSync(manifest)) {
    console.warn(`skipping syslog capture tests: ${manifest.pathname} is absent`);
    return undefined;
  }
  return JSON.parse(readFileSync(manifest, 'utf8')) as CaptureEntry[];
}

export function readCapture(file: string): Buffer {
  return readFileSync(new URL(file, syslogTestdata));
}

/** One recorded submission; `ecs[i]` is what the input gave for `records[i]` (`recordEcs`). */
export interface SubmittedBatch { org: string; input: string; records: Uint8Array[]; errors: RecordError[]; ecs: (EcsFields | undefined)[] }

/**
 * An ingest target that records every submission. `hold()` makes submissions wait until
 * `release()`; `refuse(n, err)` makes the next n submissions throw `err`.
 */
export class RecordingTarget implements IngestTarget {
  readonly batches: SubmittedBatch[] = [];
  calls = 0;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  private refusals: { left: number; err: Error } | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.gate = undefined;
    this.open?.();
  }

  refuse(times: number, err: Error): void {
    this.refusals = { left: times, err };
  }

  /** Every accepted record, in submission order. */
  records(): Buffer[] {
    return this.batches.flatMap((b) => b.records.map((r) => Buffer.from(r)));
  }

  errors(): RecordError[] {
    return this.batches.flatMap((b) => b.errors);
  }

  async submit(org: string, input: string, records: readonly (string | Uint8Array | Record<string, unknown>)[], opts: IngestSubmitOptions = {}): Promise<IngestResult> {
    this.calls++;
    if (this.gate) await this.gate;
    if (this.refusals && this.refusals.left > 0) {
      this.refusals.left--;
      throw this.refusals.err;
    }
    const kept: Uint8Array[] = [];
    const ecs: (EcsFields | undefined)[] = [];
    // Sparse like the real service's input: holes are the records refused before submission.
    records.forEach((r, i) => {
      kept.push(typeof r === 'string' ? Buffer.from(r) : (r as Uint8Array));
      ecs.push(opts.recordEcs?.[i]);
    });
    this.batches.push({ org, input, records: kept, errors: [...(opts.recordErrors ?? [])], ecs });
    return { accepted: kept.length, rejected: [...(opts.recordErrors ?? [])], ids: [] };
  }
}

/** A logger that keeps its lines. */
export class ListLogger implements InputLogger {
  readonly lines: { level: string; obj: object; msg: string }[] = [];
  debug(obj: object, msg: string): void { this.lines.push({ level: 'debug', obj, msg }); }
  info(obj: object, msg: string): void { this.lines.push({ level: 'info', obj, msg }); }
  warn(obj: object, msg: string): void { this.lines.push({ level: 'warn', obj, msg }); }
  error(obj: object, msg: string): void { this.lines.push({ level: 'error', obj, msg }); }
}

/** Fresh dependencies on their own registry. */
export function testDeps(target = new RecordingTarget()): SyslogInputDeps & { target: RecordingTarget; logger: ListLogger; clock: ManualClock } {
  const registry = new Registry();
  const ingestMetrics = new IngestMetrics(registry);
  return { org: 'member-1', ingest: target, target, metrics: new SyslogInputMetrics(registry, ingestMetrics.dropped), logger: new ListLogger(), clock: new ManualClock(1_764_000_000_000) };
}

/** The current value of a counter or gauge for one label set (0 when never incremented). */
export async function valueOf(metric: Counter<string> | { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> }, labels: Record<string, string>): Promise<number> {
  const { values } = await metric.get();
  const hit = values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want));
  return hit?.value ?? 0;
}

/** Polls `cond` every 5 ms until it holds or `ms` pass (then throws with `what`). */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * The real ingest service on an in-memory SQLite store and the in-process bus, with `orgs`
 * created; `state.backlog` is the detection backlog it sees. `close()` closes bus and store.
 */
export async function realIngestService(maxInFlight: number, orgs: string[] = ['member-1']) {
  const store = await createStore('sqlite::memory:');
  await store.migrate();
  const bus = await createBus('memory:');
  const subjects = new PipelineSubjects('syslogtest');
  await bus.ensureStream({ name: subjects.ingestStream, subjects: [subjects.ingest('*')], workQueue: true });
  for (const id of orgs) await store.scoped(orgScope(id)).organisations.create({ id, name: id, parentId: null });
  const registry = new Registry();
  const metrics = new IngestMetrics(registry);
  const state = { backlog: 0 };
  const ingest = new IngestService({
    store, bus, clock: systemClock, ids: randomIds, metrics, subjects, maxInFlight,
    inFlight: () => state.backlog,
    onQueued: (n) => (state.backlog += n),
  });
  const close = async () => {
    await bus.close();
    await store.close();
  };
  return { store, bus, ingest, metrics, registry, state, close };
}
