import type { BusMessage } from '../bus.js';
import { decodePayload } from '../json-payload.js';
import { subjectMatches } from '../subject-pattern.js';
import type { MemoryStream } from './memory-stream.js';

/** The settings of a consumer group; the latest `consume` call wins, as a NATS consumer update does. */
export interface GroupConfig {
  filterSubject: string | undefined;
  ackWaitMs: number;
  maxDeliver: number;
}

/** One `consume` call: a handler with its own in-flight budget. */
export interface GroupMember {
  readonly handler: (msg: BusMessage<unknown>) => Promise<void>;
  readonly maxInFlight: number;
  /** False: `data` is the payload's JSON text (ConsumeOptions.decode). */
  readonly decode: boolean;
  inFlight: number;
  readonly running: Set<Promise<void>>;
}

interface Pending {
  deliveryCount: number;
  member: GroupMember;
  token: number;
  timer: NodeJS.Timeout;
}

/** A message waiting for (re)delivery, with the deliveries it already had. */
interface Ready {
  seq: number;
  delivered: number;
}

/**
 * The delivery state of one durable consumer group on a memory stream, modelled on a JetStream pull
 * consumer: a cursor over the stream for first deliveries, a pending table with ack deadlines, and a
 * queue of messages due for redelivery. Members share it round robin within their in-flight budgets.
 */
export class MemoryGroup {
  private cursor: number;
  private readonly pending = new Map<number, Pending>();
  private ready: Ready[] = [];
  private readonly delayTimers = new Set<NodeJS.Timeout>();
  private readonly members: GroupMember[] = [];
  private roundRobin = 0;
  private tokens = 0;
  private pumping = false;

  constructor(
    private readonly stream: MemoryStream,
    public config: GroupConfig,
    /** Called once a message is acknowledged by this group (work-queue streams delete it). */
    private readonly onAcked: (seq: number) => void,
    private readonly onError: (err: unknown, where: string) => void,
  ) {
    this.cursor = 1;
  }

  /** True when this group wants messages on `subject`. */
  accepts(subject: string): boolean {
    return this.config.filterSubject === undefined || subjectMatches(this.config.filterSubject, subject);
  }

  addMember(handler: GroupMember['handler'], maxInFlight: number, decode = true): GroupMember {
    const member: GroupMember = { handler, maxInFlight, decode, inFlight: 0, running: new Set() };
    this.members.push(member);
    this.pump();
    return member;
  }

  /**
   * Takes the member out of rotation and waits for its running handlers. Its unacknowledged
   * messages stay pending and are redelivered after their ack wait, as on NATS.
   */
  async removeMember(member: GroupMember): Promise<void> {
    const i = this.members.indexOf(member);
    if (i >= 0) this.members.splice(i, 1);
    await Promise.all([...member.running]);
  }

  /** Hands out messages while some member has room and some message is due. */
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let i = this.freeMember(); i >= 0; i = this.freeMember()) {
        const next = this.takeNext();
        if (!next) break;
        // The turn passes only when a message is actually handed out.
        this.roundRobin = (i + 1) % this.members.length;
        this.deliver(this.members[i]!, next);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Stops every timer; the group is unusable afterwards. */
  close(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    for (const t of this.delayTimers) clearTimeout(t);
    this.pending.clear();
    this.delayTimers.clear();
    this.ready = [];
    this.members.length = 0;
  }

  get memberCount(): number {
    return this.members.length;
  }

  /** Index of the next member in turn with room for a message, or -1. */
  private freeMember(): number {
    const n = this.members.length;
    for (let k = 0; k < n; k++) {
      const i = (this.roundRobin + k) % n;
      const m = this.members[i];
      if (m && m.inFlight < m.maxInFlight) return i;
    }
    return -1;
  }

  private takeNext(): Ready | undefined {
    for (let r = this.ready.shift(); r; r = this.ready.shift()) {
      if (this.stream.get(r.seq)) return r;
    }
    const msg = this.stream.nextFrom(this.cursor, (s) => this.accepts(s));
    if (!msg) return undefined;
    this.cursor = msg.seq + 1;
    return { seq: msg.seq, delivered: 0 };
  }

  private deliver(member: GroupMember, next: Ready): void {
    const stored = this.stream.get(next.seq);
    if (!stored) return;
    const token = ++this.tokens;
    const deliveryCount = next.delivered + 1;
    const timer = setTimeout(() => this.expire(next.seq, token), this.config.ackWaitMs);
    timer.unref();
    this.pending.set(next.seq, { deliveryCount, member, token, timer });
    member.inFlight++;
    const msg: BusMessage<unknown> = {
      subject: stored.subject,
      data: undefined,
      msgId: stored.msgId,
      deliveryCount,
      ack: () => Promise.resolve(this.ack(next.seq)),
      nak: (delayMs?: number) => Promise.resolve(this.nak(next.seq, token, delayMs ?? 0)),
    };
    const run = (async () => {
      try {
        msg.data = member.decode ? decodePayload(stored.subject, stored.payload) : stored.payload;
        await member.handler(msg);
      } catch (err) {
        this.onError(err, `consumer handler for ${stored.subject} (delivery ${deliveryCount})`);
      }
    })();
    member.running.add(run);
    void run.finally(() => member.running.delete(run));
  }

  /** Removes the message from this group's pending table; undefined when `token` is stale. */
  private settle(seq: number, token?: number): Pending | undefined {
    const p = this.pending.get(seq);
    if (!p || (token !== undefined && p.token !== token)) return undefined;
    clearTimeout(p.timer);
    this.pending.delete(seq);
    p.member.inFlight--;
    return p;
  }

  /** A late ack (after the deadline) still counts, as on NATS: the work was done. */
  private ack(seq: number): void {
    const settled = this.settle(seq);
    const queued = this.ready.findIndex((r) => r.seq === seq);
    if (queued >= 0) this.ready.splice(queued, 1);
    if (settled || queued >= 0) this.onAcked(seq);
    this.pump();
  }

  private nak(seq: number, token: number, delayMs: number): void {
    const p = this.settle(seq, token);
    if (!p) return;
    if (delayMs <= 0) {
      this.requeue(seq, p.deliveryCount);
      return;
    }
    const timer = setTimeout(() => {
      this.delayTimers.delete(timer);
      this.requeue(seq, p.deliveryCount);
    }, delayMs);
    timer.unref();
    this.delayTimers.add(timer);
    this.pump();
  }

  private expire(seq: number, token: number): void {
    const p = this.settle(seq, token);
    if (p) this.requeue(seq, p.deliveryCount);
  }

  private requeue(seq: number, delivered: number): void {
    const max = this.config.maxDeliver;
    if (max <= 0 || delivered < max) this.ready.push({ seq, delivered });
    this.pump();
  }
}
