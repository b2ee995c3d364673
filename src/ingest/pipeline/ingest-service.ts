import type { Bus } from '../../bus/index.js';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { orgScope, type NewEvent, type StoredEvent, type Store } from '../../store/index.js';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { countLineRecords, type EcsFields } from '../parsers/index.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { prepareBatch, recordCount, type BatchHolder, type PrepareRequest, type PreparedBatch } from './batch-preparation.js';
import { encodeClaimCheck } from './claim-check.js';
import type { DetectionEngine } from './detection-engine.js';
import { encodeBatch, splitBySize, type EncodedEvent } from './event-encoding.js';
import { keyedBatchId } from './record-parsing.js';
import type { PipelineEvent, PipelineSubjects } from './pipeline-event.js';

/** What happened to one submitted batch. */
export interface IngestResult {
  accepted: number;
  /** Records refused, by their 0-based index in the submission. */
  rejected: { index: number; code: string; message: string }[];
  /** Ids of the accepted events, in submission order. */
  ids: string[];
  /**
   * From {@link IngestService.submitLines}: the first bytes of the first rejected line, for a log
   * sample (the body itself went to a detection thread).
   */
  rejectedSample?: Uint8Array;
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
   * Waits (bounded) until fewer than `limit` events are in flight; true if there is room. Without
   * it a full backlog is refused at once.
   */
  waitForRoom?: (limit: number) => Promise<boolean>;
  /**
   * Told how many events enter the detection backlog (before they are published, so detection can
   * never finish them first), and a negative count when a publish failed (feeds `inFlight`).
   */
  onQueued?: (count: number) => void;
  /** Largest bus message (NATS refuses payloads over its max_payload, 1 MiB by default). */
  maxMessageBytes?: number;
  /**
   * The detection engine in force, whose threads prepare each submission (parse, normalise,
   * encode). Without it, submissions are prepared in this thread.
   */
  engine?: () => DetectionEngine;
  /**
   * Keep each batch's parsed events on the engine thread that prepared them and publish a claim
   * check instead of the batch: only when this process's detection stage consumes the bus
   * (the in-process bus). Needs `engine`.
   */
  claimChecks?: boolean;
}

/**
 * Accepts events from every input: has each submission parsed, normalised and encoded (on a
 * detection thread when there is an engine), stores the batch durably and queues it for detection.
 * The caller may acknowledge its sender once `submit` resolves: the events are then in the store
 * and on the bus, so a crash can no longer lose them.
 */
export class IngestService {
  constructor(private readonly deps: IngestServiceDeps) {}

  async submit(
    orgId: string,
    input: string,
    records: readonly (string | Uint8Array | Record<string, unknown>)[],
    opts: IngestSubmitOptions = {},
  ): Promise<IngestResult> {
    return this.run(orgId, input, { records }, opts);
  }

  /**
   * {@link submit} for a line body (NDJSON, syslog or CEF lines), split where it is parsed, as
   * `splitLineRecords` splits it: a line that is not valid UTF-8 or longer than `maxLineBytes` is
   * rejected alone, by its line index. On a detection thread the body is transferred there, not
   * copied: the caller must not use it afterwards (it is detached).
   */
  async submitLines(orgId: string, input: string, body: Uint8Array, maxLineBytes: number, opts: Omit<IngestSubmitOptions, 'recordEcs'> = {}): Promise<IngestResult> {
    return this.run(orgId, input, { records: [], lines: { body, maxLineBytes } }, opts);
  }

  private async run(orgId: string, input: string, what: Pick<PrepareRequest, 'records' | 'lines'>, opts: IngestSubmitOptions): Promise<IngestResult> {
    const { metrics, clock } = this.deps;
    if (this.deps.inFlight() >= this.deps.maxInFlight && !(await this.deps.waitForRoom?.(this.deps.maxInFlight))) {
      const backlog = this.deps.inFlight();
      throw new ShieldwallError('RATE_LIMITED', `detection backlog is full (${backlog} events in flight); retry later`, {
        retryAfterSeconds: 1,
      });
    }
    const receivedAt = clock.now();
    const rejected = [...(opts.recordErrors ?? [])];
    for (const e of rejected) metrics.rejected.inc({ input, reason: e.code });

    const hold = this.deps.claimChecks === true && this.deps.engine !== undefined;
    const req: PrepareRequest = {
      orgId, input, receivedAt, ...what, hold, busJson: !hold,
      ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
      ...(opts.recordEcs ? { recordEcs: opts.recordEcs } : {}),
    };
    // The injected generator makes the ids here, so a worker thread needs none (and tests stay
    // deterministic); a record the parser gives an id leaves its one unused, and so does a line
    // counted on its bytes that turns out to hold no record (invalid UTF-8, Unicode blanks).
    if (!opts.idempotencyKey) {
      const count = what.lines ? countLineRecords(what.lines.body, what.lines.maxLineBytes) : recordCount(what.records);
      req.ids = Array.from({ length: count }, () => this.deps.ids.next());
    }
    const { engine, prepared } = await this.prepare(req);
    const { rows } = prepared;
    // `records` is sparse (its holes are the records refused before submission and blank lines),
    // so its length would count those refusals twice: count what was parsed instead.
    metrics.received.inc({ input }, rows.length + prepared.rejected.length + rejected.length);
    for (const r of prepared.rejected) {
      rejected.push(r);
      metrics.rejected.inc({ input, reason: r.code });
    }
    for (const [format, n] of prepared.formats) metrics.parsed.inc({ input, format }, n);
    rejected.sort((a, b) => a.index - b.index);
    const sample = prepared.rejectedSample ? { rejectedSample: prepared.rejectedSample } : {};
    if (rows.length === 0) return { accepted: 0, rejected, ids: [], ...sample };

    const batchId = opts.idempotencyKey ? keyedBatchId(orgId, opts.idempotencyKey) : this.deps.ids.next();
    try {
      if (prepared.holder) await this.queueHeld(engine!, prepared.holder, { orgId, input, batchId, receivedAt }, rows);
      else await this.queueBatches({ orgId, input, batchId, receivedAt }, prepared);
    } finally {
      // Stored (or failed): nothing reads the rows' bytes any more.
      if (engine && prepared.buffer) engine.recycle(prepared.buffer);
    }
    return { accepted: rows.length, rejected, ids: prepared.ids, ...sample };
  }

  /** Prepares on the engine in force (again on the new one if a rules reload closed the first). */
  private async prepare(req: PrepareRequest): Promise<{ engine?: DetectionEngine; prepared: PreparedBatch }> {
    const engine = this.deps.engine?.();
    if (!engine) return { prepared: prepareBatch(req, this.deps.ids) };
    try {
      return { engine, prepared: await engine.prepare(req) };
    } catch (err) {
      const current = this.deps.engine!();
      if (current === engine) throw err;
      // A line body went to the closed engine's thread with it: the sender has to send it again.
      if (req.lines && req.lines.body.byteLength === 0) {
        throw new ShieldwallError('SHUTTING_DOWN', 'the detection engine was replaced (rules reload) while it prepared this body; send it again', { retryAfterSeconds: 1 }, { cause: err });
      }
      return { engine: current, prepared: await current.prepare(req) };
    }
  }

  /**
   * Stores a batch whose events the engine holds and publishes its claim check. The hold is let go
   * if either step fails: the sender is not acknowledged and will send the batch again.
   */
  private async queueHeld(engine: DetectionEngine, holder: BatchHolder, b: QueuedBatch, rows: NewEvent[]): Promise<void> {
    const { orgId, batchId, receivedAt } = b;
    let fresh = 0;
    try {
      const inserted = await this.deps.store.scoped(orgScope(orgId)).events.insertBatch({ orgId, batchId, receivedAt }, rows);
      fresh = inserted > 0 ? rows.length : 0;
      // A retried batch stored before is already on the bus, unless its publish failed: publish
      // its check again under the same msgId (the bus de-duplicates it), but without the hold,
      // which the de-duplicated message could never claim; if it does get through, detection
      // reads the batch from the store.
      if (fresh === 0) engine.release(holder);
      this.deps.onQueued?.(fresh);
      await this.deps.bus.publish(this.deps.subjects.ingest(orgId), encodeClaimCheck({ claim: holder, orgId, batchId, count: rows.length, receivedAt }), { msgId: batchId });
    } catch (err) {
      this.deps.onQueued?.(-fresh);
      engine.release(holder);
      throw err;
    }
    this.deps.metrics.queued.inc({ input: b.input }, fresh);
  }

  /** Stores and publishes a batch whole, split under the bus's message size. */
  private async queueBatches(b: QueuedBatch, prepared: PreparedBatch): Promise<void> {
    const { orgId, batchId, receivedAt } = b;
    const scoped = this.deps.store.scoped(orgScope(orgId));
    const encoded: EncodedEvent[] = prepared.rows.map((row, i) => ({ id: row.id, row, json: prepared.json[i]! }));
    const chunks = splitBySize(encoded, this.deps.maxMessageBytes ?? Infinity);
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
      this.deps.metrics.queued.inc({ input: b.input }, fresh);
    }
  }
}

interface QueuedBatch {
  orgId: string;
  input: string;
  batchId: string;
  receivedAt: number;
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
