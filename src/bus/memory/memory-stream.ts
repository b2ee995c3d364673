import type { Clock } from '../../shared/clock.js';
import type { StreamDef } from '../bus.js';

/** One stored message; `payload` is JSON text so every delivery gets its own copy. */
export interface StoredMessage {
  seq: number;
  subject: string;
  payload: string;
  msgId: string;
  storedAt: number;
}

/**
 * The messages of one in-memory stream, by sequence number, with the limits (age, count) and the
 * msgId dedup window that JetStream applies on the server.
 */
export class MemoryStream {
  private readonly messages = new Map<number, StoredMessage>();
  /** msgId → time first stored, in insertion (= time) order so expiry trims from the front. */
  private readonly seenIds = new Map<string, number>();
  private firstSeq = 1;
  private lastSeq = 0;

  constructor(
    public def: StreamDef,
    private readonly clock: Clock,
    private readonly dedupWindowMs: number,
  ) {}

  /** Stores a message unless its msgId was seen within the dedup window; returns it, or undefined for a duplicate. */
  append(subject: string, payload: string, msgId: string): StoredMessage | undefined {
    const now = this.clock.now();
    this.prune(now);
    if (this.seenIds.has(msgId)) return undefined;
    this.seenIds.set(msgId, now);
    const msg: StoredMessage = { seq: ++this.lastSeq, subject, payload, msgId, storedAt: now };
    this.messages.set(msg.seq, msg);
    const max = this.def.maxMessages ?? 0;
    while (max > 0 && this.messages.size > max) this.dropFirst();
    return msg;
  }

  /** The message `seq`, if still stored (not expired, dropped or removed). */
  get(seq: number): StoredMessage | undefined {
    this.prune(this.clock.now());
    return this.messages.get(seq);
  }

  /** The first stored message with sequence ≥ `from` whose subject passes `accept`. */
  nextFrom(from: number, accept: (subject: string) => boolean): StoredMessage | undefined {
    this.prune(this.clock.now());
    for (let seq = Math.max(from, this.firstSeq); seq <= this.lastSeq; seq++) {
      const msg = this.messages.get(seq);
      if (msg && accept(msg.subject)) return msg;
    }
    return undefined;
  }

  /** The sequence the next appended message will get. */
  get nextSeq(): number {
    return this.lastSeq + 1;
  }

  get size(): number {
    return this.messages.size;
  }

  remove(seq: number): void {
    this.messages.delete(seq);
    while (this.firstSeq <= this.lastSeq && !this.messages.has(this.firstSeq)) this.firstSeq++;
  }

  private dropFirst(): void {
    const first = this.messages.get(this.firstSeq) ?? this.nextFrom(this.firstSeq, () => true);
    if (first) this.remove(first.seq);
  }

  private prune(now: number): void {
    const maxAge = this.def.maxAgeMs ?? 0;
    if (maxAge > 0) {
      for (let msg = this.messages.get(this.firstSeq); msg && now - msg.storedAt > maxAge; msg = this.messages.get(this.firstSeq)) {
        this.remove(msg.seq);
      }
    }
    for (const [id, at] of this.seenIds) {
      if (now - at < this.dedupWindowMs) break;
      this.seenIds.delete(id);
    }
  }
}
