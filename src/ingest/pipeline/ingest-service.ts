import type { Bus } from '../../bus/index.js';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { orgScope, type StoredEvent, type Store } from '../../store/index.js';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import type { EcsFields } from '../parsers/index.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { encodeBatch, splitBySize } from './event-encoding.js';
import { keyedBatchId, parseRecords, type ParseRequest } from './record-parsing.js';
import type { PipelineEvent, PipelineSubjects } from './pipeline-event.js';

/** What happened to one submitted batch. */
export interface IngestResult {
  accepted: number;
  /** Records refused, by their 0-based index in the submission. */
  rejected: { index: number; code: string; message: string }[];
  /** Ids of the accepted events, in submission order. */
  ids: string[];
}

/** Options of {@link IngestService.submit}. */
export interface IngestSubmitOptions {
  /** Makes event ids (and so storage and alerts) the same when the same submission is retried. */
  idempotencyKey?: string;
  /** Records the input refused before parsing (framing, size, encoding), counted as rejected. */
  recordErrors?: { index: number; code: string; message: string }[];
  /**
   * ECS fields only the input knows, per record index (may be sparse), merged into each parsed
   * record's ECS fields (they win over the parser's): a syslog listener's `log.source.address`.
   * An array of one shared object per record costs a pointer each, so a per-connection value
   * needs no copy.
   */
  recordEcs?: readonly (EcsFields | undefined)[];
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
  /**
   * Told how many events enter the detection backlog (before they are published, so detection can
   * never finish them first), and a negative count when a publish failed (feeds `inFlight`).
   */
  onQueued?: (count: number) => void;
  /** Largest bus message (NATS refuses payloads over its max_payload, 1 MiB by default). */
  maxMessageBytes?: number;
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
    opts: IngestSubmitOptions = {},
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
    for (const e of rejected) metrics.rejected.inc({ input, reason: e.code });

    const req: ParseRequest = {
      orgId, input, receivedAt, records,
      ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
      ...(opts.recordEcs ? { recordEcs: opts.recordEcs } : {}),
    };
    const parsed = parseRecords(req, this.deps.ids);
    const events = parsed.events;
    // `records` is sparse (its holes are the records refused before submission and blank lines),
    // so its length would count those refusals twice: count what was parsed instead.
    metrics.received.inc({ input }, events.length + parsed.rejected.length + rejected.length);
    for (const r of parsed.rejected) {
      rejected.push(r);
      metrics.rejected.inc({ input, reason: r.code });
    }
    for (const [format, n] of parsed.formats) metrics.parsed.inc({ input, format }, n);
    rejected.sort((a, b) => a.index - b.index);
    if (events.length === 0) return { accepted: 0, rejected, ids: [] };

    const scoped = this.deps.store.scoped(orgScope(orgId));
    const batchId = opts.idempotencyKey ? keyedBatchId(orgId, opts.idempotencyKey) : this.deps.ids.next();
    const chunks = splitBySize(events, this.deps.maxMessageBytes ?? Infinity);
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i]!;
      const id = chunks.length === 1 ? batchId : `${batchId}.${i}`;
      const inserted = await scoped.events.insertBatch({ orgId, batchId: id, receivedAt }, chunk.map((e) => e.row));
      // A retried batch that was stored before inserts nothing: it is already counted in flight,
      // and publishing it again is harmless (the bus de-duplicates it, alerts are unique).
      const fresh = inserted > 0 ? chunk.length : 0;
      this.deps.onQueued?.(fresh);
      try {
        await this.deps.bus.publish(this.deps.subjects.ingest(orgId), encodeBatch(orgId, id, chunk), { msgId: id });
      } catch (err) {
        this.deps.onQueued?.(-fresh);
        throw err;
      }
      metrics.queued.inc({ input }, fresh);
    }
    return { accepted: events.length, rejected, ids: events.map((e) => e.id) };
  }
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
