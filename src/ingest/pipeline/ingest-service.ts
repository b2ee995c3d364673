import { createHash } from 'node:crypto';
import type { Bus } from '../../bus/index.js';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { orgScope, type StoredEvent, type Store } from '../../store/index.js';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { parseEvent, type NormalizedEvent, type ParseResult } from '../parsers/index.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { encodeBatch, encodeEvent, splitBySize, type EncodedEvent } from './event-encoding.js';
import type { PipelineEvent, PipelineSubjects } from './pipeline-event.js';

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
    const events: EncodedEvent[] = [];
    metrics.received.inc({ input }, records.length + rejected.length);
    for (const e of rejected) metrics.rejected.inc({ input, reason: e.code });

    const formats = new Map<string, number>();
    records.forEach((record, index) => {
      const { parsed, rawJson } = parseRecord(record, receivedAt);
      if (!parsed.ok) {
        rejected.push({ index, code: parsed.error.code, message: parsed.error.message });
        metrics.rejected.inc({ input, reason: parsed.error.code });
        return;
      }
      const format = parsed.value.sourceFormat;
      formats.set(format, (formats.get(format) ?? 0) + 1);
      const e = this.toPipelineEvent(orgId, parsed.value, input, receivedAt, opts.idempotencyKey, index);
      events.push(encodeEvent(orgId, e, rawJson ?? JSON.stringify(e.raw)));
    });
    for (const [format, n] of formats) metrics.parsed.inc({ input, format }, n);
    rejected.sort((a, b) => a.index - b.index);
    if (events.length === 0) return { accepted: 0, rejected, ids: [] };

    const scoped = this.deps.store.scoped(orgScope(orgId));
    const batchId = opts.idempotencyKey ? digest(`${orgId}\0${opts.idempotencyKey}`) : this.deps.ids.next();
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

/**
 * Parses one record. For a JSON line the parser keeps as the event's raw fields, also answers the
 * line itself as their JSON text, so the store and the bus embed it instead of re-encoding it.
 */
function parseRecord(
  record: string | Uint8Array | Record<string, unknown>,
  receivedAt: number,
): { parsed: ParseResult<NormalizedEvent>; rawJson?: string } {
  if (typeof record === 'string' && record.charCodeAt(0) === 0x7b /* { */) {
    let obj: unknown;
    try {
      obj = JSON.parse(record);
    } catch {
      // The parser reports the precise error (code, offset).
      return { parsed: parseEvent(record, { receivedAt }) };
    }
    const parsed = parseEvent(obj as Record<string, unknown>, { receivedAt });
    return parsed.ok && parsed.value.raw === obj ? { parsed, rawJson: record } : { parsed };
  }
  return { parsed: parseEvent(record, { receivedAt }) };
}
