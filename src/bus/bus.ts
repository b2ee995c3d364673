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
}

export interface BusMessage<T = unknown> {
  subject: string;
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
  /** Redeliver when not acknowledged within this time. */
  ackWaitMs?: number;
  /** Give up after this many deliveries (0 = never). */
  maxDeliver?: number;
  /** Messages in flight for this member at once. */
  maxInFlight?: number;
}

export interface Consumer {
  stop(): Promise<void>;
}

export interface Subscription {
  unsubscribe(): Promise<void>;
}

export interface Bus {
  readonly kind: 'memory' | 'nats';
  ensureStream(def: StreamDef): Promise<void>;
  /**
   * Publishes `data` (JSON-serialisable) and resolves once the message is durably stored in its
   * stream. With `msgId`, a duplicate publish within the dedup window is stored once.
   */
  publish(subject: string, data: unknown, opts?: { msgId?: string }): Promise<void>;
  /** Durable, acknowledged, load-balanced consumption. */
  consume<T = unknown>(opts: ConsumeOptions, handler: (msg: BusMessage<T>) => Promise<void>): Promise<Consumer>;
  /** Live, non-durable fan-out: every subscriber in every process receives every message. */
  subscribe<T = unknown>(subject: string, handler: (subject: string, data: T) => void): Promise<Subscription>;
  /** Throws ShieldwallError BUS_UNAVAILABLE when the bus does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
