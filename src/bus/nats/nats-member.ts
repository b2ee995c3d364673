import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { BusMessage } from '../bus.js';
import { decodePayload } from '../json-payload.js';
import { toBusError } from './nats-errors.js';

/** Waits for the server's confirmation of an ack, so `ack()` resolving means it is recorded. */
const ackConfirmTimeoutMs = 5_000;

/**
 * One `consume` call on NATS: pulls from the group's durable consumer in batches of `maxInFlight`
 * and runs at most `maxInFlight` handlers at once, so a slow member stops pulling (backpressure)
 * instead of buffering.
 */
export class NatsMember {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private readonly running = new Set<Promise<void>>();
  private busy = 0;
  private wake: (() => void) | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly js: JetStreamClient,
    private readonly stream: string,
    private readonly group: string,
    private readonly handler: (msg: BusMessage<unknown>) => Promise<void>,
    private readonly maxInFlight: number,
    private readonly server: string,
    private readonly onError: (err: unknown, where: string) => void,
    /** False: hand the payload over as JSON text (ConsumeOptions.decode). */
    private readonly decode = true,
  ) {}

  async start(): Promise<void> {
    const consumer = await this.js.consumers.get(this.stream, this.group);
    this.messages = await consumer.consume({ max_messages: this.maxInFlight });
    this.loop = this.pull(this.messages);
  }

  /** Stops pulling and waits for running handlers; unacknowledged messages return after ack wait. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.messages?.close();
      this.wake?.();
      await this.loop;
      await Promise.all([...this.running]);
    })();
    return this.stopping;
  }

  private async pull(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const m of messages) {
        while (this.busy >= this.maxInFlight && !this.stopping) {
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
        if (this.stopping) break;
        this.dispatch(m);
      }
    } catch (err) {
      this.onError(err, `consumer ${this.group} on stream ${this.stream}`);
    }
  }

  private dispatch(m: JsMsg): void {
    let data: unknown;
    try {
      data = this.decode ? decodePayload(m.subject, m.string()) : m.string();
    } catch (err) {
      // A payload no Shieldwall publisher wrote: redelivering it cannot help.
      m.term('payload is not JSON');
      this.onError(err, `consumer ${this.group} on stream ${this.stream}`);
      return;
    }
    this.busy++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.busy--;
      this.wake?.();
    };
    const where = `ack of ${m.subject} (stream ${this.stream}, seq ${m.seq})`;
    const msg: BusMessage<unknown> = {
      subject: m.subject,
      data,
      msgId: m.headers?.get('Nats-Msg-Id') || `${this.stream}:${m.seq}`,
      deliveryCount: m.info.deliveryCount,
      ack: async () => {
        release();
        try {
          await m.ackAck({ timeout: ackConfirmTimeoutMs });
        } catch (err) {
          throw toBusError(err, where, this.server);
        }
      },
      nak: async (delayMs?: number) => {
        release();
        m.nak(delayMs && delayMs > 0 ? delayMs : undefined);
      },
    };
    const run = (async () => {
      try {
        await this.handler(msg);
      } catch (err) {
        this.onError(err, `consumer handler for ${m.subject} (delivery ${msg.deliveryCount})`);
      } finally {
        release();
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }
}
