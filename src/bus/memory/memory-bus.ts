import { randomUUID } from 'node:crypto';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
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
import { assertName, assertPositive } from '../bus-options.js';
import { assertSubject, subjectMatches, subjectsOverlap } from '../subject-pattern.js';
import { MemoryGroup } from './memory-group.js';
import { MemoryStream } from './memory-stream.js';

/** What a MemoryBus needs from its surroundings; every field has a production default. */
export interface MemoryBusOptions {
  /** Drives stream max age and the msgId dedup window (ack waits and nak delays use real timers). */
  clock?: Clock;
  /** Ids for messages published without a msgId. */
  ids?: IdGenerator;
  dedupWindowMs?: number;
  /** Receives errors thrown by handlers, which must never crash the process. */
  onError?: (err: unknown, where: string) => void;
}

interface StreamEntry {
  stream: MemoryStream;
  groups: Map<string, MemoryGroup>;
}

interface LiveSubscriber {
  pattern: string;
  handler: (subject: string, data: unknown) => void;
}

/**
 * The bus inside one process: the same streams, consumer groups, acknowledgements, redelivery and
 * dedup as the NATS adapter, held in memory (lost on exit). For tests, development and single-node
 * installations.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private readonly streams = new Map<string, StreamEntry>();
  private readonly subscribers = new Set<LiveSubscriber>();
  private readonly stoppers = new Set<() => Promise<void>>();
  private readonly clock: Clock;
  private readonly nextId: () => string;
  private readonly dedupWindowMs: number;
  private readonly onError: (err: unknown, where: string) => void;
  private closed = false;

  constructor(opts: MemoryBusOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.nextId = opts.ids ? () => opts.ids!.next() : () => randomUUID();
    this.dedupWindowMs = opts.dedupWindowMs ?? busDefaults.dedupWindowMs;
    this.onError = opts.onError ?? ((err, where) => console.error(`bus: ${where}: ${String(err)}`));
  }

  async ensureStream(def: StreamDef): Promise<void> {
    this.assertOpen();
    assertName(def.name, 'stream');
    if (def.subjects.length === 0) throw new ShieldwallError('BAD_REQUEST', `stream ${def.name}: no subjects`);
    for (const s of def.subjects) assertSubject(s, `stream ${def.name}`, true);
    for (const [name, other] of this.streams) {
      if (name === def.name) continue;
      const clash = def.subjects.find((s) => other.stream.def.subjects.some((o) => subjectsOverlap(s, o)));
      if (clash !== undefined) {
        throw new ShieldwallError('CONFLICT', `stream ${def.name}: subject "${clash}" overlaps stream ${name}`);
      }
    }
    const existing = this.streams.get(def.name);
    if (!existing) {
      const stream = new MemoryStream({ ...def, subjects: [...def.subjects] }, this.clock, this.dedupWindowMs);
      this.streams.set(def.name, { stream, groups: new Map() });
      return;
    }
    if (Boolean(existing.stream.def.workQueue) !== Boolean(def.workQueue)) {
      throw new ShieldwallError('CONFLICT', `stream ${def.name}: cannot change work-queue retention of an existing stream`);
    }
    existing.stream.def = { ...def, subjects: [...def.subjects] };
  }

  async deleteStream(name: string): Promise<void> {
    const entry = this.streams.get(name);
    if (!entry) return;
    for (const g of entry.groups.values()) g.close();
    this.streams.delete(name);
  }

  async publish(subject: string, data: unknown, opts: { msgId?: string } = {}): Promise<void> {
    this.assertOpen();
    assertSubject(subject, 'publish', false);
    const payload = encodePayload(subject, data);
    const entry = this.streamFor(subject);
    if (!entry) throw new ShieldwallError('NOT_FOUND', `publish ${subject}: no stream captures this subject`);
    const stored = entry.stream.append(subject, payload, opts.msgId ?? this.nextId());
    // Live subscribers see every publish, duplicates included, as core NATS subscribers do.
    this.fanOut(subject, payload);
    if (!stored) return;
    for (const group of entry.groups.values()) if (group.accepts(subject)) group.pump();
  }

  async consume<T = unknown>(opts: ConsumeOptions, handler: (msg: BusMessage<T>) => Promise<void>): Promise<Consumer> {
    this.assertOpen();
    assertName(opts.group, 'consumer group');
    if (opts.filterSubject !== undefined) assertSubject(opts.filterSubject, `consumer ${opts.group}`, true);
    const ackWaitMs = assertPositive(opts.ackWaitMs ?? busDefaults.ackWaitMs, 'ackWaitMs');
    const maxInFlight = assertPositive(opts.maxInFlight ?? busDefaults.maxInFlight, 'maxInFlight');
    const maxDeliver = opts.maxDeliver ?? 0;
    const entry = this.streams.get(opts.stream);
    if (!entry) throw new ShieldwallError('NOT_FOUND', `consume: stream ${opts.stream} does not exist`);
    const config = { filterSubject: opts.filterSubject, ackWaitMs, maxDeliver };
    let group = entry.groups.get(opts.group);
    if (group) {
      if (group.config.filterSubject !== opts.filterSubject) {
        throw new ShieldwallError(
          'CONFLICT',
          `consume: group ${opts.group} on stream ${opts.stream} already filters ${group.config.filterSubject ?? 'all subjects'}`,
        );
      }
      group.config = config;
    } else {
      if (entry.stream.def.workQueue) this.assertExclusive(entry, opts);
      const stream = entry.stream;
      group = new MemoryGroup(stream, config, (seq) => (stream.def.workQueue ? stream.remove(seq) : undefined), this.onError);
      entry.groups.set(opts.group, group);
    }
    const member = group.addMember(handler as (msg: BusMessage<unknown>) => Promise<void>, maxInFlight, opts.decode !== false);
    const owner = group;
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= owner.removeMember(member).finally(() => this.stoppers.delete(stop));
      return stopping;
    };
    this.stoppers.add(stop);
    return { stop };
  }

  async subscribe<T = unknown>(subject: string, handler: (subject: string, data: T) => void): Promise<Subscription> {
    this.assertOpen();
    assertSubject(subject, 'subscribe', true);
    const sub: LiveSubscriber = { pattern: subject, handler: handler as LiveSubscriber['handler'] };
    this.subscribers.add(sub);
    return { unsubscribe: async () => void this.subscribers.delete(sub) };
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  /** Stops every consumer (waiting for running handlers) and drops all state. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscribers.clear();
    await Promise.all([...this.stoppers].map((stop) => stop()));
    for (const name of [...this.streams.keys()]) await this.deleteStream(name);
  }

  /** Work-queue streams give each message to one group only, so group filters must not overlap (as on NATS). */
  private assertExclusive(entry: StreamEntry, opts: ConsumeOptions): void {
    const mine = opts.filterSubject ?? '>';
    for (const [name, g] of entry.groups) {
      if (subjectsOverlap(mine, g.config.filterSubject ?? '>')) {
        throw new ShieldwallError(
          'CONFLICT',
          `consume: group ${opts.group} overlaps group ${name} on work-queue stream ${opts.stream}`,
        );
      }
    }
  }

  /** Stream subjects never overlap (ensureStream refuses it), so the first match is the only one. */
  private streamFor(subject: string): StreamEntry | undefined {
    for (const entry of this.streams.values()) {
      for (const pattern of entry.stream.def.subjects) if (subjectMatches(pattern, subject)) return entry;
    }
    return undefined;
  }

  private fanOut(subject: string, payload: string): void {
    for (const sub of this.subscribers) {
      if (!subjectMatches(sub.pattern, subject)) continue;
      queueMicrotask(() => {
        if (!this.subscribers.has(sub)) return;
        try {
          sub.handler(subject, decodePayload(subject, payload));
        } catch (err) {
          this.onError(err, `subscriber of ${sub.pattern} on ${subject}`);
        }
      });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new ShieldwallError('BUS_UNAVAILABLE', 'memory bus is closed');
  }
}
