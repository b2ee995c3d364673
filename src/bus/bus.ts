/**
 * The bus port: durable work queues and live fan-out between the parts of Shieldwall, in one process
 * (memory adapter) or across processes and machines (NATS JetStream adapter). Same semantics on both;
 * the conformance suite (bus-conformance.ts) holds them to it.
 */

/** A durable stream holding every message published on its subjects. */
export interface StreamDef {
  name: string;
  /** Subjects captured, NATS syntax (`events.>`, `alerts.*`). */
  subjects: string[];
  /** Messages older than this are dropped (0 = keep). */
  maxAgeMs?: number;
  /** Work-queue retention: a message is removed once acknowledged by its consumer group. */
  workQueue?: boolean;
  /** Keep at most this many messages, dropping the oldest (0 or absent = no limit). */
  maxMessages?: number;
}

export interface BusMessage<T = unknown> {
  subject: string;
  /** The decoded payload; its JSON text when the consumer asked for `decode: false`. */
  data: T;
  /** Publisher-supplied id (dedup key) or one assigned by the bus. */
  msgId: string;
  /** 1 on first delivery, incremented on every redelivery. */
  deliveryCount: number;
  /** Confirms processing; the message will not be redelivered to this group. */
  ack(): Promise<void>;
  /** Asks for redelivery after `delayMs` (default: at once). */
  nak(delayMs?: number): Promise<void>;
}

export interface ConsumeOptions {
  stream: string;
  /** Durable consumer-group name: members of a group share the messages (queue semantics). */
  group: string;
  /** Only subjects matching this filter (NATS syntax); default all of the stream. */
  filterSubject?: string;
  /** Redeliver when not acknowledged within this time (default {@link busDefaults}.ackWaitMs). */
  ackWaitMs?: number;
  /** Give up after this many deliveries (0 = never). */
  maxDeliver?: number;
  /**
   * Unacknowledged messages held by this member at once (default {@link busDefaults}.maxInFlight).
   * NATS also caps the whole group at this number (`max_ack_pending`), so give every member of a
   * group the same value.
   */
  maxInFlight?: number;
  /**
   * `false` hands each message's payload over as its JSON text (`data` is a string) instead of
   * decoding it, for consumers that pass it on (to a worker thread) and decode it there. Default true.
   */
  decode?: boolean;
}

/** Defaults shared by every adapter, so both behave alike when options are left out. */
export const busDefaults = {
  ackWaitMs: 30_000,
  maxInFlight: 100,
  /** Window in which a repeated `msgId` is stored once. */
  dedupWindowMs: 120_000,
} as const;

export interface Consumer {
  stop(): Promise<void>;
}

export interface Subscription {
  unsubscribe(): Promise<void>;
}

export interface Bus {
  readonly kind: 'memory' | 'nats';
  /**
   * Creates the stream or updates its subjects and limits. Throws CONFLICT when the subjects overlap
   * another stream's or when `workQueue` would change on an existing stream.
   */
  ensureStream(def: StreamDef): Promise<void>;
  /** Deletes a stream with its messages and consumer groups; no-op when absent. */
  deleteStream(name: string): Promise<void>;
  /**
   * Publishes `data` (JSON-serialisable, or a `JsonText` already encoded) and resolves once the message is durably stored in its
   * stream. With `msgId`, a duplicate publish within the dedup window is stored once.
   * Throws NOT_FOUND when no stream captures `subject`, BAD_REQUEST when `data` is not JSON.
   * Live subscribers of the subject receive it too.
   */
  publish(subject: string, data: unknown, opts?: { msgId?: string }): Promise<void>;
  /**
   * Durable, acknowledged, load-balanced consumption. The handler must call `ack()` (or `nak()`);
   * a handler that returns or throws without either leaves the message in flight, so it is
   * redelivered after `ackWaitMs`. Throws NOT_FOUND for an unknown stream and CONFLICT when the
   * group exists with another filter or overlaps another group on a work-queue stream.
   */
  consume<T = unknown>(opts: ConsumeOptions, handler: (msg: BusMessage<T>) => Promise<void>): Promise<Consumer>;
  /** Live, non-durable fan-out: every subscriber in every process receives every message. */
  subscribe<T = unknown>(subject: string, handler: (subject: string, data: T) => void): Promise<Subscription>;
  /** Throws ShieldwallError BUS_UNAVAILABLE when the bus does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
