import type { Bus, Subscription } from '../../bus/index.js';

/** An indicator as the live matchers hold it: the STIX object and the organisation that produced it. */
export interface BroadcastIndicator {
  producerOrgId: string;
  /** The STIX indicator (latest version), markings included: receivers apply TLP per event's organisation. */
  object: Record<string, unknown>;
}

/** What changed in the set of live indicators. */
export interface IndicatorUpdate {
  /** Why: imported (new or newer versions), confirmed by an analyst, or confirmed by sightings. */
  reason: 'import' | 'confirm' | 'sightings';
  /**
   * Indicators to hold (new, or a newer version replacing the held one), and revoked versions:
   * receivers keep those as tombstones dated by `modified`, so an older version arriving later
   * is not held again.
   */
  add: BroadcastIndicator[];
  /** Indicator ids to drop without a version (a newer version without a usable pattern). */
  remove: string[];
  /** Organisation that confirmed, for `confirm` and `sightings`. */
  confirmedBy?: string;
  /** Publication time (ms epoch), so receivers can measure the early-warning latency. */
  at: number;
}

/**
 * NATS refuses messages over max_payload (1 MiB by default): an import of many indicators is sent
 * in several updates of at most this many JSON bytes.
 */
const maxUpdateBytes = 512 * 1024;

/**
 * The early-warning channel: indicator updates published on `<ns>.intel.indicators` reach every
 * subscriber of every process on the bus (live fan-out), so an indicator confirmed or imported
 * anywhere on the node is matched by every detection stage within a second. The stream
 * `<ns>_INTEL` only exists because a publish needs one; nobody consumes it durably (a process that
 * starts later loads the indicators from the store).
 */
export class IndicatorBroadcast {
  readonly subject: string;
  readonly stream: string;

  constructor(
    private readonly bus: Bus,
    namespace: string,
  ) {
    this.subject = `${namespace}.intel.indicators`;
    this.stream = `${namespace}_INTEL`;
  }

  /** Creates the stream (idempotent); call before publish or subscribe. */
  async start(): Promise<void> {
    await this.bus.ensureStream({ name: this.stream, subjects: [`${this.subject}`], maxAgeMs: 3600_000, maxMessages: 10_000 });
  }

  /** Publishes an update, split so that no message exceeds the bus's payload limit. */
  async publish(update: IndicatorUpdate): Promise<void> {
    for (const part of splitUpdate(update, maxUpdateBytes)) await this.bus.publish(this.subject, part);
  }

  /** Calls `handler` for every update published by any process, this one included. */
  subscribe(handler: (update: IndicatorUpdate) => void): Promise<Subscription> {
    return this.bus.subscribe<IndicatorUpdate>(this.subject, (_subject, update) => handler(update));
  }
}

/** Splits an update into parts whose JSON stays under `maxBytes` (one oversized indicator stays alone). */
export function splitUpdate(update: IndicatorUpdate, maxBytes: number): IndicatorUpdate[] {
  const { add, remove, ...head } = update;
  const parts: IndicatorUpdate[] = [];
  let current: IndicatorUpdate = { ...head, add: [], remove };
  let size = JSON.stringify(current).length;
  for (const item of add) {
    const itemSize = JSON.stringify(item).length + 1;
    if (current.add.length > 0 && size + itemSize > maxBytes) {
      parts.push(current);
      current = { ...head, add: [], remove: [] };
      size = JSON.stringify(current).length;
    }
    current.add.push(item);
    size += itemSize;
  }
  parts.push(current);
  return parts;
}
