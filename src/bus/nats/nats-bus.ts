import { randomUUID } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { assertName, assertPositive } from '../bus-options.js';
import {
  busDefaults,
  type Bus,
  type BusMessage,
  type ConsumeOptions,
  type Consumer,
  type StreamDef,
  type Subscription,
} from '../bus.js';
import { decodePayload, encodePayload } from '../json-payload.js';
import { assertSubject } from '../subject-pattern.js';
import { NatsMember } from './nats-member.js';
import { redactUrl, toBusError } from './nats-errors.js';

/** Connection settings; every field has a production default. */
export interface NatsBusOptions {
  /** Give up connecting (and pinging) after this long. */
  timeoutMs?: number;
  dedupWindowMs?: number;
  /** Receives errors thrown by handlers and consumer failures; they never crash the process. */
  onError?: (err: unknown, where: string) => void;
}

const ms = (n: number): number => n * 1_000_000;

/**
 * The bus across processes and machines: NATS JetStream with file-backed streams, durable pull
 * consumers (one per stream and group, shared by all members) and core NATS for live fan-out.
 * The only place that speaks to `@nats-io/*`.
 */
export class NatsBus implements Bus {
  readonly kind = 'nats' as const;
  private readonly members = new Set<NatsMember>();
  private readonly js: JetStreamClient;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly server: string,
    private readonly timeoutMs: number,
    private readonly dedupWindowMs: number,
    private readonly onError: (err: unknown, where: string) => void,
  ) {
    this.js = jetstream(nc, { timeout: timeoutMs });
  }

  /**
   * Connects to `url` (`nats://host:port`, several separated by commas) and checks JetStream is on.
   * Throws BUS_UNAVAILABLE `cannot reach NATS at <url>: <reason>` otherwise.
   */
  static async connect(url: string, opts: NatsBusOptions = {}): Promise<NatsBus> {
    const server = redactUrl(url);
    const timeoutMs = opts.timeoutMs ?? 3_000;
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: url.split(','), name: 'shieldwall', timeout: timeoutMs, maxReconnectAttempts: -1 });
    } catch (err) {
      throw new ShieldwallError('BUS_UNAVAILABLE', `cannot reach NATS at ${server}: ${(err as Error).message}`, {}, { cause: err });
    }
    try {
      const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
      const onError = opts.onError ?? ((err, where) => console.error(`bus: ${where}: ${String(err)}`));
      return new NatsBus(nc, jsm, server, timeoutMs, opts.dedupWindowMs ?? busDefaults.dedupWindowMs, onError);
    } catch (err) {
      await nc.close();
      throw new ShieldwallError('BUS_UNAVAILABLE', `cannot reach NATS at ${server}: JetStream unavailable: ${(err as Error).message}`, {}, { cause: err });
    }
  }

  async ensureStream(def: StreamDef): Promise<void> {
    assertName(def.name, 'stream');
    if (def.subjects.length === 0) throw new ShieldwallError('BAD_REQUEST', `stream ${def.name}: no subjects`);
    for (const s of def.subjects) assertSubject(s, `stream ${def.name}`, true);
    const where = `ensureStream ${def.name}`;
    const maxAge = def.maxAgeMs ?? 0;
    const config = {
      subjects: [...def.subjects],
      max_age: ms(maxAge),
      // The server requires the dedup window to fit within the age limit.
      duplicate_window: ms(maxAge > 0 ? Math.min(maxAge, this.dedupWindowMs) : this.dedupWindowMs),
      max_msgs: def.maxMessages && def.maxMessages > 0 ? def.maxMessages : -1,
      discard: DiscardPolicy.Old,
    } satisfies Partial<StreamConfig>;
    try {
      const existing = await this.streamInfo(def.name);
      const retention = def.workQueue ? RetentionPolicy.Workqueue : RetentionPolicy.Limits;
      if (!existing) {
        await this.jsm.streams.add({ name: def.name, storage: StorageType.File, retention, ...config });
        return;
      }
      if (existing.retention !== retention) {
        throw new ShieldwallError('CONFLICT', `stream ${def.name}: cannot change work-queue retention of an existing stream`);
      }
      await this.jsm.streams.update(def.name, { ...existing, ...config });
    } catch (err) {
      throw toBusError(err, where, this.server);
    }
  }

  async deleteStream(name: string): Promise<void> {
    try {
      if (await this.streamInfo(name)) await this.jsm.streams.delete(name);
    } catch (err) {
      throw toBusError(err, `deleteStream ${name}`, this.server);
    }
  }

  async publish(subject: string, data: unknown, opts: { msgId?: string } = {}): Promise<void> {
    assertSubject(subject, 'publish', false);
    const payload = encodePayload(subject, data);
    try {
      await this.js.publish(subject, payload, { msgID: opts.msgId ?? randomUUID(), timeout: this.timeoutMs });
    } catch (err) {
      throw toBusError(err, `publish ${subject}`, this.server);
    }
  }

  async consume<T = unknown>(opts: ConsumeOptions, handler: (msg: BusMessage<T>) => Promise<void>): Promise<Consumer> {
    assertName(opts.group, 'consumer group');
    if (opts.filterSubject !== undefined) assertSubject(opts.filterSubject, `consumer ${opts.group}`, true);
    const ackWaitMs = assertPositive(opts.ackWaitMs ?? busDefaults.ackWaitMs, 'ackWaitMs');
    const maxInFlight = assertPositive(opts.maxInFlight ?? busDefaults.maxInFlight, 'maxInFlight');
    const where = `consume ${opts.stream}/${opts.group}`;
    const member = new NatsMember(
      this.js,
      opts.stream,
      opts.group,
      handler as (msg: BusMessage<unknown>) => Promise<void>,
      maxInFlight,
      this.server,
      this.onError,
      opts.decode !== false,
    );
    try {
      await this.ensureConsumer(opts, ackWaitMs, maxInFlight);
      await member.start();
    } catch (err) {
      throw toBusError(err, where, this.server);
    }
    this.members.add(member);
    return {
      stop: async () => {
        await member.stop();
        this.members.delete(member);
      },
    };
  }

  async subscribe<T = unknown>(subject: string, handler: (subject: string, data: T) => void): Promise<Subscription> {
    assertSubject(subject, 'subscribe', true);
    const where = `subscriber of ${subject}`;
    try {
      const sub = this.nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return this.onError(err, where);
          try {
            handler(msg.subject, decodePayload<T>(msg.subject, msg.string()));
          } catch (e) {
            this.onError(e, `${where} on ${msg.subject}`);
          }
        },
      });
      // Round trip so the server knows the interest before we return: a publish right after is seen.
      await this.nc.flush();
      return {
        unsubscribe: async () => {
          sub.unsubscribe();
          if (!this.nc.isClosed()) await this.nc.flush();
        },
      };
    } catch (err) {
      throw toBusError(err, where, this.server);
    }
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([this.nc.rtt(), timeout]);
    } catch (err) {
      throw new ShieldwallError('BUS_UNAVAILABLE', `cannot reach NATS at ${this.server}: ${(err as Error).message}`, {}, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops every consumer (waiting for running handlers), then drains the connection. */
  async close(): Promise<void> {
    await Promise.all([...this.members].map((m) => m.stop()));
    this.members.clear();
    if (!this.nc.isClosed() && !this.nc.isDraining()) await this.nc.drain();
  }

  private async streamInfo(name: string): Promise<StreamConfig | undefined> {
    try {
      return (await this.jsm.streams.info(name)).config;
    } catch (err) {
      if (toBusError(err, '', this.server).code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** Creates the durable consumer of the group, or updates its limits; the filter cannot change. */
  private async ensureConsumer(opts: ConsumeOptions, ackWaitMs: number, maxInFlight: number): Promise<void> {
    const limits = {
      ack_wait: ms(ackWaitMs),
      max_deliver: opts.maxDeliver && opts.maxDeliver > 0 ? opts.maxDeliver : -1,
      max_ack_pending: maxInFlight,
    } satisfies Partial<ConsumerConfig>;
    let existing: ConsumerConfig | undefined;
    try {
      existing = (await this.jsm.consumers.info(opts.stream, opts.group)).config;
    } catch (err) {
      if (toBusError(err, '', this.server).code !== 'NOT_FOUND') throw err;
    }
    if (!existing) {
      await this.jsm.consumers.add(opts.stream, {
        durable_name: opts.group,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ...(opts.filterSubject !== undefined ? { filter_subject: opts.filterSubject } : {}),
        ...limits,
      });
      return;
    }
    if ((existing.filter_subject || undefined) !== opts.filterSubject) {
      throw new ShieldwallError(
        'CONFLICT',
        `consume: group ${opts.group} on stream ${opts.stream} already filters ${existing.filter_subject || 'all subjects'}`,
      );
    }
    if (
      existing.ack_wait !== limits.ack_wait ||
      existing.max_deliver !== limits.max_deliver ||
      existing.max_ack_pending !== limits.max_ack_pending
    ) {
      await this.jsm.consumers.update(opts.stream, opts.group, limits);
    }
  }
}
