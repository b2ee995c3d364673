import { createHash } from 'node:crypto';
import type { Bus } from '../../bus/index.js';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { orgScope, type StoredEvent, type Store } from '../../store/index.js';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { parseEvent, type NormalizedEvent } from '../parsers/index.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { EventBatch, PipelineEvent, PipelineSubjects } from './pipeline-event.js';

/** What happened to one submitted batch. */
export interface IngestResult {
  accepted: number;
  /** Records refused, by their 0-based index in the submission. */
  rejected: { index: number; code: string; message: string }[];
  /** Ids of the accepted events, in submission order. */
  ids: string[];
}

export interface IngestServiceDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  ids: IdGenerator;
  metrics: IngestMetrics;
  subjects: PipelineSubjects;
  /** Events accepted but not yet through detection above which submissions get RATE_LIMITED. */
  maxInFlight: number;
  /** Events currently between acceptance and detection (from the detection stage). */
  inFlight: () => number;
  /** Told how many events were queued, once they are on the bus (feeds `inFlight`). */
  onQueued?: (count: number) => void;
}

/**
 * Accepts events from every input: parses and normalizes each record, stores the batch durably and
 * queues it for detection. The caller may acknowledge its sender once `submit` resolves: the events
 * are then in the store and on the bus, so a crash can no longer lose them.
 */
export class IngestService {
  constructor(private readonly deps: IngestServiceDeps) {}

  async submit(
    orgId: string,
    input: string,
    records: readonly (string | Uint8Array | Record<string, unknown>)[],
    opts: { idempotencyKey?: string; recordErrors?: { index: number; code: string; message: string }[] } = {},
  ): Promise<IngestResult> {
    const { metrics, clock } = this.deps;
    const backlog = this.deps.inFlight();
    if (backlog >= this.deps.maxInFlight) {
      throw new ShieldwallError('RATE_LIMITED', `detection backlog is full (${backlog} events in flight); retry later`, {
        retryAfterSeconds: 1,
      });
    }
    const receivedAt = clock.now();
    const rejected = [...(opts.recordErrors ?? [])];
    const events: PipelineEvent[] = [];
    metrics.received.inc({ input }, records.length + rejected.length);
    for (const e of rejected) metrics.rejected.inc({ input, reason: e.code });

    records.forEach((record, index) => {
      const parsed = parseEvent(record, { receivedAt });
      if (!parsed.ok) {
        rejected.push({ index, code: parsed.error.code, message: parsed.error.message });
        metrics.rejected.inc({ input, reason: parsed.error.code });
        return;
      }
      metrics.parsed.inc({ input, format: parsed.value.sourceFormat });
      events.push(this.toPipelineEvent(orgId, parsed.value, input, receivedAt, opts.idempotencyKey, index));
    });
    rejected.sort((a, b) => a.index - b.index);
    if (events.length === 0) return { accepted: 0, rejected, ids: [] };

    const scoped = this.deps.store.scoped(orgScope(orgId));
    const batchId = opts.idempotencyKey ? digest(`${orgId}\0${opts.idempotencyKey}`) : this.deps.ids.next();
    await scoped.events.insertBatch({ orgId, batchId, receivedAt }, events.map((e) => toStored(orgId, e)));
    const batch: EventBatch = { orgId, batchId, events };
    await this.deps.bus.publish(this.deps.subjects.ingest(orgId), batch, { msgId: batchId });
    metrics.queued.inc({ input }, events.length);
    this.deps.onQueued?.(events.length);
    return { accepted: events.length, rejected, ids: events.map((e) => e.id) };
  }

  private toPipelineEvent(
    orgId: string,
    e: NormalizedEvent,
    source: string,
    receivedAt: number,
    idempotencyKey: string | undefined,
    index: number,
  ): PipelineEvent {
    // With an idempotency key a retried submission gets the same ids, so it is stored once and
    // alerts once; without one every record is a new event.
    const id = idempotencyKey ? digest(`${orgId}\0${idempotencyKey}\0${index}`) : (e.id ?? this.deps.ids.next());
    return {
      id,
      time: Number.isFinite(e.time) ? e.time : receivedAt,
      receivedAt,
      source,
      sourceFormat: e.sourceFormat,
      message: e.message ?? null,
      raw: e.raw,
      ecs: e.ecs,
      ...(e.logsource ? { logsource: e.logsource } : {}),
    };
  }
}

function digest(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The pipeline form of a stored event (for re-queuing batches after a crash). */
export function fromStored(e: StoredEvent): PipelineEvent {
  const data = e.data as { format?: PipelineEvent['sourceFormat']; raw?: Record<string, unknown>; ecs?: PipelineEvent['ecs'] };
  const logsource = {
    ...(e.product ? { product: e.product } : {}),
    ...(e.category ? { category: e.category } : {}),
    ...(e.service ? { service: e.service } : {}),
  };
  return {
    id: e.id,
    time: e.time,
    receivedAt: e.receivedAt,
    source: e.source,
    sourceFormat: data.format ?? 'json',
    message: e.message,
    raw: data.raw ?? {},
    ecs: data.ecs ?? {},
    ...(Object.keys(logsource).length > 0 ? { logsource } : {}),
  };
}

/** The stored form of a pipeline event (raw fields and ECS subset kept side by side). */
export function toStored(orgId: string, e: PipelineEvent): StoredEvent {
  return {
    id: e.id,
    orgId,
    time: e.time,
    receivedAt: e.receivedAt,
    source: e.source,
    product: e.logsource?.product ?? null,
    category: e.logsource?.category ?? null,
    service: e.logsource?.service ?? null,
    message: e.message,
    data: { format: e.sourceFormat, raw: e.raw, ecs: e.ecs },
  };
}
